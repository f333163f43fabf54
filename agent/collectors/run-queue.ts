// Queue depth of the CPUs: runnable processes per core (procs_running), blocked processes, and load1 for reference.
import { parseLoadavg } from '../proc/loadavg.js';
import { parseStat } from '../proc/stat.js';
import { readProcFile } from '../proc/read-proc.js';
import type { Collector, CollectorContext, Metrics } from './collector.js';
import { round3 } from './counter-rates.js';

export function runQueueMetrics(procsRunning: number | undefined, procsBlocked: number | undefined, cores: number): Metrics {
  const out: Metrics = {};
  if (procsRunning !== undefined) {
    out.procs_running = procsRunning;
    // The agent itself is running while it reads /proc/stat.
    out.run_queue_per_core = round3(Math.max(0, procsRunning - 1) / cores);
  }
  if (procsBlocked !== undefined) out.procs_blocked = procsBlocked;
  return out;
}

export function runQueueCollector(ctx: CollectorContext): Collector {
  return {
    name: 'run_queue',
    async collect() {
      const [stat, loadavg] = await Promise.all([readProcFile(ctx.procRoot, 'stat'), readProcFile(ctx.procRoot, 'loadavg')]);
      const s = parseStat(stat);
      return { ...runQueueMetrics(s.procsRunning, s.procsBlocked, s.cores), load1: parseLoadavg(loadavg).load1 };
    },
  };
}
