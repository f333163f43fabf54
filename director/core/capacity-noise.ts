// How much a capacity estimate wanders by chance: the standard error of completed rate ÷ utilisation, from the reports.
import { emaAlpha, emaNext } from './ema.js';

/**
 * The reports of one batch (a slot of the wall-clock grid of `batchMs`), summed. The noise is read from batch means,
 * not from single reports: the completed rate of one report is its accepted connections minus the growth of its
 * established ones, and a blip in the established count enters two successive reports with opposite signs, so single
 * reports look far noisier than their mean is; and a connection's work and its completion can fall in different
 * reports (keep-alive: the CPU is spent a request at a time, the connection ends seconds later). Within a batch longer
 * than that both cancel, as they do in the smoothed means.
 */
export interface CapacityBatch {
  /** The slot's index on the grid. */
  readonly index: number;
  /** Σ r·dt, Σ u·dt and Σ dt over its reports. */
  readonly rdt: number;
  readonly udt: number;
  readonly dt: number;
}

/**
 * Exponential means, over batches, of the completed rate r and utilisation u (0..1), and of their relative changes from
 * one batch to the next, the squares and the product of those: the variance of a change, less its mean, is twice a
 * batch's variance, and neither a level on the move (load rising, sessions piling up at the start) nor a steady drift
 * inflates it, as the spread around a mean would. `dtMs` is the batch length.
 */
export interface CapacityMoments {
  readonly r: number;
  readonly u: number;
  /** Means of the relative changes, of their squares and of their product. */
  readonly dr: number;
  readonly du: number;
  readonly rr: number;
  readonly uu: number;
  readonly ru: number;
  /** The previous batch's means, the reference of the next change. */
  readonly lastR: number;
  readonly lastU: number;
  readonly dtMs: number;
}

/** What one agent's reports have left for the noise estimate: the batches so far, and the one under way. */
export interface CapacityNoiseInputs {
  readonly moments?: CapacityMoments;
  readonly batch?: CapacityBatch;
  /** The first batch's means: the variances start with the second. */
  readonly first?: { readonly r: number; readonly u: number };
}

/** The moments after one batch with means r and u, over `spanMs`; `first` holds a lone first batch. */
function foldBatch(held: CapacityNoiseInputs, r: number, u: number, batchMs: number, spanMs: number): CapacityNoiseInputs {
  const m = held.moments;
  const prev = m ? { r: m.lastR, u: m.lastU } : held.first;
  if (prev === undefined) return { first: { r, u } };
  const next = (p: number | undefined, x: number) => emaNext(p, x, batchMs, spanMs);
  // Changes relative to the level of the two batches, not to a mean that lags a level on the move.
  const dr = relativeChange(prev.r, r);
  const du = relativeChange(prev.u, u);
  return {
    moments: {
      r: next(m?.r ?? prev.r, r),
      u: next(m?.u ?? prev.u, u),
      dr: next(m?.dr, dr),
      du: next(m?.du, du),
      rr: next(m?.rr, dr * dr),
      uu: next(m?.uu, du * du),
      ru: next(m?.ru, dr * du),
      lastR: r,
      lastU: u,
      dtMs: batchMs,
    },
  };
}

/** (b − a) over their mean, 0 when both are 0. */
function relativeChange(a: number, b: number): number {
  const level = (a + b) / 2;
  return level > 0 ? (b - a) / level : 0;
}

/** Where one report counted at `at` (rate r, utilisation u, covering `dtMs`) leaves the noise inputs. */
export function addToBatch(held: CapacityNoiseInputs, r: number, u: number, dtMs: number, at: number, batchMs: number, spanMs: number): CapacityNoiseInputs {
  const index = Math.floor(at / batchMs);
  let rest: CapacityNoiseInputs = held;
  let batch = held.batch;
  if (batch !== undefined && batch.index !== index) {
    const { batch: _done, ...without } = held;
    rest = batch.dt > 0 ? foldBatch(without, batch.rdt / batch.dt, batch.udt / batch.dt, batchMs, spanMs) : without;
    batch = undefined;
  }
  const sum = { index, rdt: (batch?.rdt ?? 0) + r * dtMs, udt: (batch?.udt ?? 0) + u * dtMs, dt: (batch?.dt ?? 0) + dtMs };
  return { ...rest, batch: sum };
}

/**
 * The relative standard error of the smoothed capacity (r ÷ u, each smoothed with time constant `tauMs`), or
 * undefined before two batches or when the means are too small to say. An exponential mean of independent samples has
 * the samples' variance times α/(2−α); the ratio's relative variance is var r/r² + var u/u² − 2 cov/(r u). Rate and
 * utilisation rise and fall together (more arrivals, more busy time), so the covariance takes off most of what a
 * heavy request mix adds to each.
 */
export function capacityRelativeError(m: CapacityMoments | undefined, tauMs: number): number | undefined {
  if (m === undefined || m.r <= 0 || m.u <= 0) return undefined;
  const a = emaAlpha(m.dtMs, tauMs);
  const shrink = a / (2 - a);
  // The variance of a change, less its mean (a steady drift of either is not noise), is twice a batch's variance.
  const varR = Math.max(0, m.rr - m.dr * m.dr) / 2;
  const varU = Math.max(0, m.uu - m.du * m.du) / 2;
  const cov = (m.ru - m.dr * m.du) / 2;
  const rel = varR + varU - 2 * cov;
  return Math.sqrt(Math.max(0, rel) * shrink);
}
