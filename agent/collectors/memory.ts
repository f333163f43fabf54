// Available memory (MemAvailable, what can be used without swapping — not MemFree) in bytes and per cent.
import { parseMeminfo, type Meminfo } from '../proc/meminfo.js';
import { readProcFile } from '../proc/read-proc.js';
import type { Collector, CollectorContext, Metrics } from './collector.js';
import { round3 } from './counter-rates.js';

export function memoryMetrics(m: Meminfo): Metrics {
  const out: Metrics = { mem_total_bytes: m.MemTotal };
  // Kernels before 3.14 have no MemAvailable: absent, not guessed from MemFree.
  if (m.MemAvailable !== undefined) {
    out.mem_available_bytes = m.MemAvailable;
    if (m.MemTotal > 0) out.mem_available_pct = round3((m.MemAvailable / m.MemTotal) * 100);
  }
  return out;
}

export function memoryCollector(ctx: CollectorContext): Collector {
  return {
    name: 'memory',
    async collect() {
      return memoryMetrics(parseMeminfo(await readProcFile(ctx.procRoot, 'meminfo')));
    },
  };
}
