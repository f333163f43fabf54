// Swap in use, and swapping activity (pages in/out per second from /proc/vmstat): swapping is what hurts a web server.
import { parseMeminfo } from '../proc/meminfo.js';
import { parseVmstat } from '../proc/vmstat.js';
import { readProcFile } from '../proc/read-proc.js';
import type { Collector, CollectorContext, Metrics } from './collector.js';
import { CounterRates, round3 } from './counter-rates.js';

export function swapUsage(m: Readonly<Record<string, number>>): Metrics {
  const total = m.SwapTotal;
  const free = m.SwapFree;
  if (total === undefined || free === undefined) return {};
  // No swap configured: none in use.
  return { swap_total_bytes: total, swap_used_pct: total > 0 ? round3(((total - free) / total) * 100) : 0 };
}

export function swapCollector(ctx: CollectorContext, now: () => number = () => performance.now()): Collector {
  const rates = new CounterRates<'in' | 'out'>();
  return {
    name: 'swap',
    async collect() {
      const [meminfo, vmstat] = await Promise.all([readProcFile(ctx.procRoot, 'meminfo'), readProcFile(ctx.procRoot, 'vmstat')]);
      const out = swapUsage(parseMeminfo(meminfo));
      const v = parseVmstat(vmstat);
      if (v.pswpin !== undefined && v.pswpout !== undefined) {
        const r = rates.next(now(), { in: v.pswpin, out: v.pswpout });
        if (r) {
          out.swap_in_pages_per_s = r.in;
          out.swap_out_pages_per_s = r.out;
        }
      }
      return out;
    },
  };
}
