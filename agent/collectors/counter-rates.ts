// Turns monotonically increasing kernel counters into per-second rates between two calls.

/** Rounds to at most three decimals, as reports do. */
export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * Remembers the previous counters and the time they were read. `next()` returns per-second rates since then, or
 * undefined on the first call (priming), when no time has passed, or when a counter went backwards (wrap, reset).
 */
export class CounterRates<K extends string> {
  private previous: { at: number; values: Record<K, number> } | undefined;

  next(at: number, values: Record<K, number>): Record<K, number> | undefined {
    const prev = this.previous;
    this.previous = { at, values };
    if (!prev) return undefined;
    const dtS = (at - prev.at) / 1000;
    if (dtS <= 0) return undefined;
    const out: Record<K, number> = { ...values };
    for (const k in values) {
      const delta = values[k] - prev.values[k];
      if (!(delta >= 0)) return undefined;
      out[k] = round3(delta / dtS);
    }
    return out;
  }
}
