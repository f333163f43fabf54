// CPU idle and utilisation over the last sampling interval (deltas of /proc/stat), never averaged since boot.
import { parseStat, type CpuTimes } from '../proc/stat.js';
import { readProcFile } from '../proc/read-proc.js';
import type { Collector, CollectorContext, Metrics } from './collector.js';
import { round3 } from './counter-rates.js';

/**
 * cpu_idle_pct counts idle + iowait (time the CPUs could have run more work); cpu_util_pct is the rest. guest and
 * guest_nice are already inside user and nice, so they are not added again.
 */
export function cpuPercentages(before: CpuTimes, after: CpuTimes): Metrics {
  const d = (k: keyof CpuTimes) => after[k] - before[k];
  const keys: (keyof CpuTimes)[] = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
  if (keys.some((k) => d(k) < 0)) return {};
  const total = keys.reduce((s, k) => s + d(k), 0);
  if (total <= 0) return {};
  const idle = ((d('idle') + d('iowait')) / total) * 100;
  return {
    cpu_idle_pct: round3(idle),
    cpu_util_pct: round3(100 - idle),
    cpu_iowait_pct: round3((d('iowait') / total) * 100),
    cpu_steal_pct: round3((d('steal') / total) * 100),
  };
}

export function cpuCollector(ctx: CollectorContext): Collector {
  let previous: CpuTimes | undefined;
  return {
    name: 'cpu',
    async collect() {
      const { cpu } = parseStat(await readProcFile(ctx.procRoot, 'stat'));
      const before = previous;
      previous = cpu;
      return before ? cpuPercentages(before, cpu) : {};
    },
  };
}
