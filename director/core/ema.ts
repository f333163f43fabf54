// Exponential moving averages with a time constant in seconds, correct for irregular intervals between samples.

/**
 * The weight a new sample gets when it covers `dtMs` of time: 1 − e^(−dt/τ). Two samples of 1 s move the average
 * exactly as far as one sample of 2 s with the same value, so irregular report intervals do not bias it.
 */
export function emaAlpha(dtMs: number, tauMs: number): number {
  if (tauMs <= 0 || dtMs <= 0) return dtMs <= 0 ? 0 : 1;
  return 1 - Math.exp(-dtMs / tauMs);
}

/** The new average after a sample covering `dtMs`; the first sample starts the average at its own value. */
export function emaNext(previous: number | undefined, sample: number, dtMs: number, tauMs: number): number {
  return emaStep(previous, sample, emaAlpha(dtMs, tauMs));
}

/** emaNext with the sample's weight already computed (the same for every metric of one report). */
export function emaStep(previous: number | undefined, sample: number, alpha: number): number {
  if (previous === undefined || !Number.isFinite(previous)) return sample;
  return previous + alpha * (sample - previous);
}
