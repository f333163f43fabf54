// Connection rate from /proc/net/snmp: TCP passive opens per second is the throughput side of a capacity estimate.
import { parseSnmp } from '../proc/net-snmp.js';
import { readProcFile } from '../proc/read-proc.js';
import { ProcParseError } from '../errors.js';
import type { Collector, CollectorContext, Metrics } from './collector.js';
import { CounterRates } from './counter-rates.js';

export function tcpRateCollector(ctx: CollectorContext, now: () => number = () => performance.now()): Collector {
  const rates = new CounterRates<'passive' | 'active' | 'retrans'>();
  return {
    name: 'tcp',
    async collect() {
      const tcp = parseSnmp(await readProcFile(ctx.procRoot, 'net/snmp')).Tcp;
      if (!tcp || tcp.PassiveOpens === undefined || tcp.ActiveOpens === undefined || tcp.RetransSegs === undefined) {
        throw new ProcParseError('net/snmp', 'no Tcp PassiveOpens/ActiveOpens/RetransSegs');
      }
      const out: Metrics = {};
      if (tcp.CurrEstab !== undefined) out.tcp_curr_estab = tcp.CurrEstab;
      const r = rates.next(now(), { passive: tcp.PassiveOpens, active: tcp.ActiveOpens, retrans: tcp.RetransSegs });
      if (r) {
        out.tcp_passive_opens_per_s = r.passive;
        out.tcp_active_opens_per_s = r.active;
        out.tcp_retrans_segs_per_s = r.retrans;
      }
      return out;
    },
  };
}
