import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCpuinfoFacts } from '../../../agent/collectors/host-facts.js';
import { parseLoadavg } from '../../../agent/proc/loadavg.js';
import { parseMeminfo } from '../../../agent/proc/meminfo.js';
import { parseSnmp } from '../../../agent/proc/net-snmp.js';
import { parseNetTcp, TCP_ESTABLISHED, TCP_LISTEN } from '../../../agent/proc/net-tcp.js';
import { parseStat } from '../../../agent/proc/stat.js';
import { parseVmstat } from '../../../agent/proc/vmstat.js';
import { ProcParseError } from '../../../agent/errors.js';

const fixture = (p: string) => readFileSync(new URL(`../../fixtures/proc/${p}`, import.meta.url), 'utf8');

describe('/proc parsers on fixtures', () => {
  it('stat: aggregate CPU counters, CPUs online, run queue', () => {
    expect(parseStat(fixture('web-80/stat'))).toEqual({
      cpu: { user: 1000, nice: 10, system: 300, idle: 8000, iowait: 200, irq: 5, softirq: 15, steal: 70 },
      cores: 4,
      procsRunning: 5,
      procsBlocked: 2,
    });
    expect(parseStat(fixture('host-a/stat')).cores).toBe(2);
  });

  it('stat of an old kernel without iowait/irq/steal: missing counters are zero time', () => {
    expect(parseStat(fixture('old-kernel/stat'))).toEqual({
      cpu: { user: 100, nice: 0, system: 50, idle: 800, iowait: 0, irq: 0, softirq: 0, steal: 0 },
      cores: 1,
      procsRunning: 1,
    });
  });

  it('meminfo: every field in bytes, unitless fields as counts', () => {
    const m = parseMeminfo(fixture('web-80/meminfo'));
    expect(m.MemTotal).toBe(8_000_000 * 1024);
    expect(m.MemAvailable).toBe(2_000_000 * 1024);
    expect(m.SwapFree).toBe(3_000_000 * 1024);
    expect(m.HugePages_Total).toBe(0);
    expect(parseMeminfo(fixture('old-kernel/meminfo')).MemAvailable).toBeUndefined();
  });

  it('vmstat, loadavg, snmp', () => {
    expect(parseVmstat(fixture('web-80/vmstat'))).toMatchObject({ pswpin: 1200, pswpout: 3400 });
    expect(parseLoadavg(fixture('web-80/loadavg'))).toEqual({ load1: 2.5, load5: 1.75, load15: 1 });
    const snmp = parseSnmp(fixture('web-80/net/snmp'));
    expect(snmp.Tcp).toMatchObject({ PassiveOpens: 10_000, ActiveOpens: 500, CurrEstab: 42, RetransSegs: 120, MaxConn: -1 });
    expect(snmp.Udp).toEqual({ InDatagrams: 77, NoPorts: 1 });
    expect(parseSnmp(fixture('host-a/net/snmp')).Tcp?.PassiveOpens).toBeGreaterThanOrEqual(0);
  });

  it('net/tcp and tcp6: local port, state and queues from the kernel’s hex', () => {
    const v4 = parseNetTcp(fixture('web-80/net/tcp'));
    expect(v4).toHaveLength(6);
    expect(v4[0]).toEqual({ localPort: 80, state: TCP_LISTEN, txQueue: 128, rxQueue: 3 });
    expect(v4[2]).toEqual({ localPort: 80, state: TCP_ESTABLISHED, txQueue: 0, rxQueue: 0 });
    expect(v4[5]!.localPort).toBe(5000);
    const v6 = parseNetTcp(fixture('web-80/net/tcp6'), 'net/tcp6');
    expect(v6.map((s) => [s.localPort, s.state, s.rxQueue])).toEqual([[80, TCP_LISTEN, 2], [80, TCP_ESTABLISHED, 0]]);
  });

  it('cpuinfo: model and speed', () => {
    expect(parseCpuinfoFacts(fixture('web-80/cpuinfo'))).toEqual({ cpuModel: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', cpuMHz: 2394 });
  });

  it('malformed files give PROC_PARSE naming the file and what is wrong', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => parseStat('intr 1 2 3\n'), /^stat: no aggregate cpu line$/],
      [() => parseStat('cpu  1 2 x 4\n'), /^stat: the cpu line has a non-numeric field/],
      [() => parseMeminfo('MemTotal 12 kB\n'), /^meminfo: cannot read line: MemTotal 12 kB$/],
      [() => parseMeminfo('MemFree: 12 kB\n'), /^meminfo: no MemTotal line$/],
      [() => parseLoadavg('high\n'), /^loadavg: expected three load averages/],
      [() => parseNetTcp('garbage\n'), /^net\/tcp: missing the "sl local_address/],
      [() => parseNetTcp(`${fixture('web-80/net/tcp').split('\n')[0]}\n   0: zz 00000000:0000\n`), /^net\/tcp: line 2 is not a socket/],
      [() => parseSnmp('Tcp: A B\nUdp: 1 2\n'), /^net\/snmp: line 1 and 2 are not a header\/value pair/],
      [() => parseVmstat('pswpin lots\n'), /^vmstat: cannot read line/],
    ];
    for (const [run, message] of cases) {
      let caught: unknown;
      try {
        run();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ProcParseError);
      expect((caught as ProcParseError).code).toBe('PROC_PARSE');
      expect((caught as Error).message).toMatch(message);
    }
  });
});
