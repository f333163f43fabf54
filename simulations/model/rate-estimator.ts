// The kernel's connection-rate estimator (net/netfilter/ipvs/ip_vs_est.c), what `ipvsadm -Ln --rate` prints as CPS:
// every 2 s an integer EWMA of weight 1/4 over the connections counted since the last tick, scaled by 2^10.

/** The kernel's estimation timer period. */
export const ESTIMATOR_INTERVAL_MS = 2_000;

export interface EstimatorState {
  /** Connections per second, scaled by 2^10 (e->cps). */
  readonly scaledCps: number;
  /** The cumulative connection counter at the last tick (e->last_conns). */
  readonly lastConns: number;
}

export const ESTIMATOR_START: EstimatorState = { scaledCps: 0, lastConns: 0 };

/**
 * One tick: rate = (conns − last) << 9 (per second over 2 s, scaled by 2^10), then cps += (rate − cps) >> 2, the
 * shift arithmetic (it floors, so a falling rate decays to 0 and never below).
 */
export function estimatorTick(s: EstimatorState, conns: number): EstimatorState {
  const rate = (conns - s.lastConns) * 512;
  return { scaledCps: s.scaledCps + Math.floor((rate - s.scaledCps) / 4), lastConns: conns };
}

/** What ipvsadm reads (ip_vs_read_estimator): (cps + 0x1FF) >> 10, an integer, halves rounded down. */
export const estimatorCps = (s: EstimatorState): number => Math.floor((s.scaledCps + 0x1ff) / 1024);

/**
 * One destination's estimator on the model's clock: ticks at every multiple of the interval, each on the counter as
 * it stood then. Ticks are run lazily when the counter is about to change or is read, which gives the same values
 * because the counter does not change between two such moments.
 */
export class KernelRateEstimator {
  private state = ESTIMATOR_START;
  private nextTickMs = ESTIMATOR_INTERVAL_MS;

  /** Runs the ticks due by `now` on the counter's current value. */
  advance(now: number, conns: number): void {
    while (this.nextTickMs <= now) {
      this.state = estimatorTick(this.state, conns);
      this.nextTickMs += ESTIMATOR_INTERVAL_MS;
    }
  }

  get cps(): number {
    return estimatorCps(this.state);
  }
}
