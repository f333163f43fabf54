// The contract every built-in collector meets: a name and a collect() that returns the metrics it could read.

/** Metric values by name. A value that could not be read is absent, never 0. */
export type Metrics = Record<string, number>;

export interface CollectorContext {
  /** Where /proc is mounted (tests point this at fixtures under test/fixtures/proc/). */
  readonly procRoot: string;
  /** Service ports whose listen queue and established connections are reported. */
  readonly ports: readonly number[];
}

export interface Collector {
  readonly name: string;
  /** Costly collectors run at most this often; the samples in between simply lack their metrics. */
  readonly minIntervalMs?: number;
  /**
   * Reads the current values. Rate and percentage collectors keep the previous counters between calls and return
   * values averaged over the time since the previous call; their first call only primes them (returns {}).
   * Throws ProcUnreadableError / ProcParseError / CollectorFailedError; the sampler isolates each collector.
   */
  collect(): Promise<Metrics>;
}

export type CollectorFactory = (ctx: CollectorContext) => Collector;
