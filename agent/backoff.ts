// Reconnect delays: exponential growth to a cap with jitter, so a dead director costs nothing and agents don't stampede.

export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/**
 * "Equal jitter": each delay is uniformly drawn from [ceiling/2, ceiling], where the ceiling grows by `factor` per
 * failed attempt up to `maxMs`. The floor of ceiling/2 means retries never spin, the spread means a restarted director
 * is not hit by every agent in the same millisecond.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt, in ms; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor } = this.settings;
    const ceiling = Math.min(maxMs, initialMs * factor ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** Jumps to the cap: used when a director refused us (a wrong token will not fix itself in a second). */
  exhaust(): void {
    const { initialMs, maxMs, factor } = this.settings;
    this.attempt = Math.max(this.attempt, Math.ceil(Math.log(maxMs / initialMs) / Math.log(factor)));
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
