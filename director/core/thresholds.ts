// Connection thresholds (-x upper, -y lower) for a destination, from the config or from a metric, kept consistent.
import type { ThresholdSettings } from './core-config.js';

const KERNEL_MAX = 2 ** 31 - 1;

export interface Thresholds {
  readonly upper: number;
  readonly lower: number;
  readonly note?: string;
}

/**
 * Thresholds lvs-feedback does not own are what the kernel has (`current`, adopted at every read). Owned ones: upper
 * comes from `upperFrom` when that variable has a value, else from the config; 0 means none. Lower must stay below
 * upper: a configured lower that is not is replaced by ⌊3/4 of upper⌋ (what the kernel uses for 0).
 */
export function thresholdsFor(t: ThresholdSettings, scope: ReadonlyMap<string, number>, current: { readonly upper: number; readonly lower: number }): Thresholds {
  if (!t.owned) return { upper: current.upper, lower: current.lower };
  let upper = t.upper;
  let note: string | undefined;
  if (t.upperFrom !== undefined) {
    const v = scope.get(t.upperFrom);
    if (v !== undefined && Number.isFinite(v) && v >= 1) {
      upper = Math.min(KERNEL_MAX, Math.round(v));
      note = `upper threshold ${upper} from ${t.upperFrom}`;
    }
  }
  let lower = upper === 0 ? 0 : t.lower;
  if (upper > 0 && lower >= upper) lower = Math.floor((upper * 3) / 4);
  return note === undefined ? { upper, lower } : { upper, lower, note };
}

/** A threshold moved by a metric is rewritten only when it changes by at least `pct` % (and by at least 1). */
export function thresholdChanged(before: number, after: number, pct: number): boolean {
  if (before === after) return false;
  if (before === 0 || after === 0) return true;
  return Math.abs(after - before) >= Math.max(1, (before * pct) / 100);
}
