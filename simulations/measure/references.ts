// The references of one scenario, on the very requests the default policy's runs offered: the physical limit and
// strict bounds (simulations/references/), measured as the runs are (from the warm-up on, network share included).
import type { RunResult } from '../model/cluster-run.js';
import type { ScenarioSpec } from '../model/scenario-spec.js';
import { noWaitResponses, srptPooledMeanS } from '../references/bounds.js';
import { physicalQueue, type Arrival, type PhysicalServer } from '../references/physical-queue.js';
import { percentile } from './summary.js';

export interface ReferenceSummary {
  /** One FCFS queue over every core of every server, the fastest free core first. */
  readonly physicalP99Ms: number;
  readonly physicalMeanMs: number;
  readonly physicalWindowP99Ms?: number;
  /** Every request served at once on the fastest core: nothing can have a lower p99. */
  readonly noWaitP99Ms: number;
  /** Preemptive SRPT on one machine of the whole capacity: nothing can have a lower mean. */
  readonly srptMeanMs: number;
}

/** The scenario's servers as the physical reference sees them (a speed that drifts is taken at its start). */
export function physicalServers(spec: ScenarioSpec): PhysicalServer[] {
  return spec.servers.map((s, i) => ({
    cores: s.cores,
    speed: s.speed,
    ...(spec.rejoin?.server === i ? { fromS: spec.rejoin.atS } : {}),
    ...(spec.background?.server === i ? { background: { fromS: spec.background.fromS, toS: spec.background.toS, threads: spec.background.threads } } : {}),
  }));
}

export function referencesOf(spec: ScenarioSpec, runs: readonly RunResult[]): ReferenceSummary {
  const servers = physicalServers(spec);
  const warmMs = spec.warmupS * 1000;
  const all: number[] = [];
  const windowed: number[] = [];
  const noWait: number[] = [];
  let srptSum = 0;
  let srptCount = 0;
  for (const run of runs) {
    const { t, work, netS } = run.requests;
    const arrivals: Arrival[] = Array.from(t, (ti, k) => ({ t: ti, work: work[k] ?? 0 }));
    const physical = physicalQueue(servers, arrivals);
    const bound = noWaitResponses(servers, arrivals);
    arrivals.forEach((a, k) => {
      if (a.t < warmMs) return;
      const net = netS?.[k] ?? 0;
      const r = (physical[k] ?? NaN) + net;
      all.push(r);
      noWait.push((bound[k] ?? NaN) + net);
      if (spec.window && a.t >= spec.window.fromS * 1000 && a.t < spec.window.toS * 1000) windowed.push(r);
    });
    const measured = arrivals.filter((a) => a.t >= warmMs);
    srptSum += srptPooledMeanS(servers, measured) * measured.length;
    srptCount += measured.length;
  }
  const sorted = (xs: number[]) => Float64Array.from(xs).sort();
  const p99 = (xs: number[]) => percentile(sorted(xs), 0.99) * 1000;
  return {
    physicalP99Ms: p99(all),
    physicalMeanMs: (all.reduce((a, b) => a + b, 0) / Math.max(1, all.length)) * 1000,
    ...(windowed.length > 0 ? { physicalWindowP99Ms: p99(windowed) } : {}),
    noWaitP99Ms: p99(noWait),
    srptMeanMs: (srptSum / Math.max(1, srptCount)) * 1000,
  };
}
