// Parses /proc/stat: the aggregate CPU time counters, the number of CPUs, and the run queue.
import { ProcParseError } from '../errors.js';

export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
}

export interface ProcStat {
  readonly cpu: CpuTimes;
  /** Count of `cpuN` lines: CPUs online. */
  readonly cores: number;
  readonly procsRunning?: number;
  readonly procsBlocked?: number;
}

export function parseStat(text: string): ProcStat {
  let cpu: CpuTimes | undefined;
  let cores = 0;
  let procsRunning: number | undefined;
  let procsBlocked: number | undefined;
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    const key = parts[0];
    if (key === 'cpu') {
      // Kernels before 2.6.11 lack steal, before 2.5.41 iowait/irq/softirq: missing counters are 0 time.
      if (parts.length < 5) throw new ProcParseError('stat', `the cpu line has ${parts.length - 1} fields, expected at least 4`);
      const values = parts.slice(1, 9).map(Number);
      if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new ProcParseError('stat', `the cpu line has a non-numeric field: ${line.trim()}`);
      const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
      cpu = { user, nice, system, idle, iowait, irq, softirq, steal };
    } else if (key && /^cpu\d+$/.test(key)) {
      cores++;
    } else if (key === 'procs_running' || key === 'procs_blocked') {
      const v = Number(parts[1]);
      if (!Number.isInteger(v) || v < 0) throw new ProcParseError('stat', `${key} is not a count: ${parts[1]}`);
      if (key === 'procs_running') procsRunning = v;
      else procsBlocked = v;
    }
  }
  if (!cpu) throw new ProcParseError('stat', 'no aggregate cpu line');
  return { cpu, cores: Math.max(1, cores), ...(procsRunning !== undefined ? { procsRunning } : {}), ...(procsBlocked !== undefined ? { procsBlocked } : {}) };
}
