import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mergeListings } from '../../../../director/kernel/ipvs/merge-listings.js';
import { parseList } from '../../../../director/kernel/ipvs/parse-list.js';
import { parseSave } from '../../../../director/kernel/ipvs/parse-save.js';
import { IpvsParseError } from '../../../../director/errors.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/ipvs/${name}`, import.meta.url), 'utf8');

describe('ipvsadm output parsers, on output captured from a real kernel', () => {
  it('reads -Sn: services, schedulers, options, destinations with method and weight', () => {
    const t = parseSave(fixture('real-save.txt'));
    expect([...t.services.keys()]).toEqual(['tcp:10.0.0.1:80', 'tcp:10.0.0.1:443', 'udp:10.0.0.1:53', 'tcp:[2001:db8::1]:80', 'fwm:5']);
    const web = t.services.get('tcp:10.0.0.1:80')!;
    expect(web).toMatchObject({ protocol: 'tcp', address: '10.0.0.1', port: 80, scheduler: 'wlc', options: [] });
    expect([...web.dests.values()].map((d) => [d.address, d.method, d.weight])).toEqual([['10.0.1.11', 'masq', 100], ['10.0.1.12', 'masq', 50], ['10.0.1.13', 'masq', 0]]);
    expect(t.services.get('tcp:10.0.0.1:443')).toMatchObject({ scheduler: 'sed', options: ['-p', '300'] });
    const fwm = t.services.get('fwm:5')!;
    expect(fwm).toMatchObject({ protocol: 'fwm', fwmark: 5, scheduler: 'wrr' });
    expect([...fwm.dests.values()].map((d) => [d.address, d.method, d.weight])).toEqual([['10.0.2.21', 'route', 3], ['10.0.2.22', 'tunnel', 2]]);
    expect(t.services.get('tcp:[2001:db8::1]:80')!.dests.get('[2001:db8::11]:80')).toMatchObject({ address: '2001:db8::11', port: 80, weight: 7 });
  });

  it('takes thresholds and connections from --thresholds (ipvsadm 1.31 -Sn omits -x/-y) and rates from --rate', () => {
    const t = mergeListings(fixture('real-save.txt'), fixture('real-thresholds.txt'), fixture('real-rate.txt'));
    const web = t.services.get('tcp:10.0.0.1:80')!;
    expect(web.dests.get('10.0.1.11:80')).toEqual({ address: '10.0.1.11', port: 80, method: 'masq', weight: 100, upper: 0, lower: 0, activeConns: 0, inactiveConns: 133, cps: 13 });
    expect(web.dests.get('10.0.1.12:80')).toMatchObject({ upper: 800, lower: 600, inactiveConns: 67, cps: 6 });
    expect(t.services.get('fwm:5')!.dests.get('10.0.2.22:0')).toMatchObject({ method: 'tunnel', upper: 10, lower: 0 });
  });

  it('takes the cumulative connection count per destination from --stats --exact (column Conns), with no estimated rate', () => {
    const t = mergeListings(fixture('real-save.txt'), fixture('real-thresholds.txt'), fixture('real-stats.txt'));
    const web = t.services.get('tcp:10.0.0.1:80')!;
    expect(web.dests.get('10.0.1.11:80')).toEqual({ address: '10.0.1.11', port: 80, method: 'masq', weight: 100, upper: 0, lower: 0, activeConns: 0, inactiveConns: 133, conns: 114 });
    expect([...web.dests.values()].map((d) => d.conns)).toEqual([114, 57, 0]);
    expect(t.services.get('fwm:5')!.dests.get('10.0.2.22:0')).toMatchObject({ conns: 0, upper: 10 });
    expect([...t.services.values()].flatMap((s) => [...s.dests.values()]).every((d) => d.cps === undefined)).toBe(true);
    // ipvsadm without --exact abbreviates large counts (1234K): refused, never read as 1234.
    const abbreviated = fixture('real-stats.txt').replace('  114      617', ' 114K      617');
    expect(() => mergeListings(fixture('real-save.txt'), fixture('real-thresholds.txt'), abbreviated)).toThrow(/^ipvsadm -Ln --stats line 5: Conns is abbreviated \(114K\): read with --exact/);
  });

  it('reads the plain -Ln and --stats listings by service and destination id', () => {
    const conns = parseList(fixture('real-list-exact.txt'), 'ipvsadm -Ln');
    expect(conns.get('tcp:10.0.0.1:80')!.get('10.0.1.11:80')).toEqual({ Weight: 100, ActiveConn: 0, InActConn: 133 });
    expect(conns.get('fwm:5')!.get('10.0.2.22:0')).toEqual({ Weight: 2, ActiveConn: 0, InActConn: 0 });
    const stats = parseList(fixture('real-stats.txt'), 'ipvsadm -Ln --stats');
    expect(stats.get('tcp:10.0.0.1:80')!.get('10.0.1.12:80')).toEqual({ Conns: 57, InPkts: 305, OutPkts: 281, InBytes: 19337, OutBytes: 23162 });
  });

  it('refuses what it cannot read, naming the line', () => {
    expect(() => parseSave('-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.2:80 -r 10.0.1.1:80 -m -w 1\n')).toThrow(/^ipvsadm -Sn line 2: destination of a service not declared before it/);
    expect(() => parseSave('-X -t 10.0.0.1:80\n')).toThrow(IpvsParseError);
    expect(() => parseSave('-A -t nowhere -s wlc\n')).toThrow(/line 1: not an address:port: nowhere/);
    const abbreviated = fixture('real-rate.txt').replace('4451     5248', '4K     5K');
    expect(() => parseList(abbreviated, 'ipvsadm -Ln --rate')).toThrow(/line 5: InBPS is abbreviated \(4K\): read with --exact/);
  });
});
