// Turns runs into the figures the results table shows: percentiles, utilisation spread, weight changes, convergence.
import type { RunResult, SeriesPoint } from '../model/cluster-run.js';
import type { ScenarioSpec } from '../model/scenario-spec.js';

export interface Summary {
  readonly requests: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly windowP99Ms?: number;
  /** max − min of the servers' utilisation over the measured window (mean over seeds). */
  readonly utilSpread: number;
  /** Coefficient of variation of the servers' utilisation (mean over seeds). */
  readonly utilCv: number;
  readonly refused: number;
  readonly sorry: number;
  readonly changesPerServerMinute: number;
  /** A weight that moved one way and then the other (hunting), per server-minute in the measured window (2 s samples). */
  readonly reversalsPerServerMinute: number;
  readonly rejoinPeakUtil?: number;
  /** Seconds until every server's share of the total weight stays within 15 % of its final share (first seed). */
  readonly convergeS?: number;
}

/** The p-quantile of sorted values; NaN when there are none. */
export function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

function pooled(runs: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(runs.reduce((a, r) => a + r.length, 0));
  let k = 0;
  for (const r of runs) {
    all.set(r, k);
    k += r.length;
  }
  return all.sort();
}

/** Outside 15 % of the final share (a server missing from the final point has share 0). */
const far = (share: number, final: number): boolean => Math.abs(share - final) > 0.15 * final;

export function convergence(series: readonly SeriesPoint[]): number | undefined {
  const shares = series.map((p) => {
    const sum = p.weights.reduce((a, b) => a + b, 0);
    return p.weights.map((w) => (sum > 0 ? w / sum : 0));
  });
  const final = shares.at(-1);
  if (!final) return undefined;
  let last = 0;
  shares.forEach((s, i) => {
    if (s.some((x, k) => far(x, final[k] ?? 0))) last = i + 1;
  });
  return series[last]?.t;
}

/** How often a server's weight changed direction after the warm-up, over the 2 s plot points. */
export function reversals(series: readonly SeriesPoint[], fromS: number): number {
  let n = 0;
  const servers = series[0]?.weights.length ?? 0;
  for (let k = 0; k < servers; k++) {
    let last = 0;
    let prev: number | undefined;
    for (const p of series) {
      if (p.t < fromS) continue;
      const w = p.weights[k] ?? 0;
      if (prev !== undefined && w !== prev) {
        const dir = Math.sign(w - prev);
        if (last !== 0 && dir !== last) n++;
        last = dir;
      }
      prev = w;
    }
  }
  return n;
}

/** At least one run: the first seed's is the one whose convergence is measured. */
export type Runs = readonly [RunResult, ...RunResult[]];

export function summarize(spec: ScenarioSpec, runs: Runs): Summary {
  const all = pooled(runs.map((r) => r.responses));
  const windowed = pooled(runs.map((r) => r.windowResponses));
  const minutes = (spec.durationS - spec.warmupS) / 60;
  const spread = runs.map((r) => Math.max(...r.utilisation) - Math.min(...r.utilisation));
  const cv = runs.map((r) => {
    const m = r.utilisation.reduce((a, b) => a + b, 0) / r.utilisation.length;
    const sd = Math.sqrt(r.utilisation.reduce((a, b) => a + (b - m) ** 2, 0) / r.utilisation.length);
    return m > 0 ? sd / m : 0;
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const peaks = runs.map((r) => r.rejoinPeakUtil).filter((x): x is number => x !== undefined);
  const conv = convergence(runs[0].series);
  return {
    requests: all.length,
    meanMs: (all.reduce((a, b) => a + b, 0) / Math.max(1, all.length)) * 1000,
    p95Ms: percentile(all, 0.95) * 1000,
    p99Ms: percentile(all, 0.99) * 1000,
    ...(windowed.length > 0 ? { windowP99Ms: percentile(windowed, 0.99) * 1000 } : {}),
    utilSpread: mean(spread),
    utilCv: mean(cv),
    refused: runs.reduce((a, r) => a + r.refused, 0),
    sorry: runs.reduce((a, r) => a + r.sorry, 0),
    changesPerServerMinute: runs.reduce((a, r) => a + r.weightChanges, 0) / (runs.length * spec.servers.length * minutes),
    reversalsPerServerMinute: runs.reduce((a, r) => a + reversals(r.series, spec.warmupS), 0) / (runs.length * spec.servers.length * minutes),
    ...(peaks.length > 0 ? { rejoinPeakUtil: Math.max(...peaks) } : {}),
    ...(conv !== undefined ? { convergeS: conv } : {}),
  };
}
