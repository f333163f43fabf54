import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseList } from '../../../director/ipvs/parse-list.js';
import { parseSave } from '../../../director/ipvs/parse-save.js';
import { IpvsParseError } from '../../../shared/errors.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ipvs/${name}`, import.meta.url), 'utf8');

describe('ipvsadm output parsers', () => {
  it('reads -Sn: services, schedulers, options, destinations with method, weight and thresholds', () => {
    const t = parseSave(fixture('handmade-save.txt'));
    expect([...t.services.keys()]).toEqual(['tcp:10.0.0.1:80', 'udp:10.0.0.1:53', 'fwm:5', 'tcp:[2001:db8::1]:443']);
    const web = t.services.get('tcp:10.0.0.1:80')!;
    expect(web).toMatchObject({ protocol: 'tcp', address: '10.0.0.1', port: 80, scheduler: 'wlc', options: [] });
    expect([...web.dests.values()]).toEqual([
      { address: '10.0.1.11', port: 80, method: 'masq', weight: 100, upper: 0, lower: 0 },
      { address: '10.0.1.12', port: 80, method: 'masq', weight: 50, upper: 800, lower: 600 },
      { address: '10.0.1.13', port: 80, method: 'masq', weight: 0, upper: 0, lower: 0 },
    ]);
    const fwm = t.services.get('fwm:5')!;
    expect(fwm).toMatchObject({ protocol: 'fwm', fwmark: 5, scheduler: 'wrr', options: ['-p', '300'] });
    expect([...fwm.dests.values()].map((d) => [d.address, d.method, d.weight])).toEqual([['10.0.2.21', 'route', 3], ['10.0.2.22', 'tunnel', 2]]);
    expect(t.services.get('tcp:[2001:db8::1]:443')!.dests.get('[2001:db8::11]:443')).toMatchObject({ address: '2001:db8::11', port: 443, weight: 10 });
  });

  it('reads -Ln connections and --rate rates by service and destination id', () => {
    const conns = parseList(fixture('handmade-list.txt'), 'ipvsadm -Ln');
    expect(conns.get('tcp:10.0.0.1:80')!.get('10.0.1.11:80')).toEqual({ Weight: 100, ActiveConn: 12, InActConn: 340 });
    expect(conns.get('fwm:5')!.get('10.0.2.22:0')).toEqual({ Weight: 2, ActiveConn: 0, InActConn: 0 });
    expect(conns.get('udp:10.0.0.1:53')!.get('10.0.1.11:53')!.InActConn).toBe(7);
    const rates = parseList(fixture('handmade-rate.txt'), 'ipvsadm -Ln --rate');
    expect(rates.get('tcp:10.0.0.1:80')!.get('10.0.1.12:80')).toEqual({ CPS: 52, InPPS: 340, OutPPS: 330, InBPS: 24000, OutBPS: 307000 });
    expect(rates.get('tcp:[2001:db8::1]:443')!.get('[2001:db8::11]:443')!.CPS).toBe(0);
  });

  it('refuses what it cannot read, naming the line', () => {
    expect(() => parseSave('-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.2:80 -r 10.0.1.1:80 -m -w 1\n')).toThrow(/^ipvsadm -Sn line 2: destination of a service not declared before it/);
    expect(() => parseSave('-X -t 10.0.0.1:80\n')).toThrow(IpvsParseError);
    expect(() => parseSave('-A -t nowhere -s wlc\n')).toThrow(/line 1: not an address:port: nowhere/);
    const abbreviated = fixture('handmade-rate.txt').replace('71000   912000', '71K   912K').replace('47000   605000', '47K   605K');
    expect(() => parseList(abbreviated, 'ipvsadm -Ln --rate')).toThrow(/line 5: InBPS is abbreviated \(47K\): read with --exact/);
  });
});
