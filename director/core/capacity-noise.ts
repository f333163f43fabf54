// How much a capacity estimate wanders by chance: the standard error of completed rate ÷ utilisation, from the reports.
import { emaAlpha, emaNext } from './ema.js';

/**
 * Exponential means of one agent's per-report completed rate r and utilisation u (0..1), of their squares and of
 * their product, over a few time constants of the other means (a variance needs more samples than a mean): enough for
 * the variance of r/u by the delta method.
 */
export interface CapacityMoments {
  readonly r: number;
  readonly u: number;
  readonly rr: number;
  readonly uu: number;
  readonly ru: number;
  /** The interval of the reports (ms): one sample's share of the mean. */
  readonly dtMs: number;
}

/** The moments after one report's sample covering `dtMs`, over `spanMs`; the first sample starts them. */
export function nextMoments(m: CapacityMoments | undefined, r: number, u: number, dtMs: number, spanMs: number): CapacityMoments {
  const next = (prev: number | undefined, x: number) => emaNext(prev, x, dtMs, spanMs);
  return { r: next(m?.r, r), u: next(m?.u, u), rr: next(m?.rr, r * r), uu: next(m?.uu, u * u), ru: next(m?.ru, r * u), dtMs };
}

/**
 * The relative standard error of the smoothed capacity (r ÷ u, each smoothed with time constant `tauMs`), or undefined when the means are too
 * small to say. An exponential mean of independent samples has the samples' variance times α/(2−α); the ratio's
 * relative variance is var r/r² + var u/u² − 2 cov/(r u). Rate and utilisation rise and fall together (more
 * arrivals, more busy time), so the covariance takes off most of what a heavy request mix adds to each.
 */
export function capacityRelativeError(m: CapacityMoments | undefined, tauMs: number): number | undefined {
  if (m === undefined || m.r <= 0 || m.u <= 0) return undefined;
  const a = emaAlpha(m.dtMs, tauMs);
  const shrink = a / (2 - a);
  const varR = Math.max(0, m.rr - m.r * m.r);
  const varU = Math.max(0, m.uu - m.u * m.u);
  const cov = m.ru - m.r * m.u;
  const rel = varR / (m.r * m.r) + varU / (m.u * m.u) - (2 * cov) / (m.r * m.u);
  return Math.sqrt(Math.max(0, rel) * shrink);
}
