// The recent 1 s samples an agent keeps, and their mean/min/max over one report interval.
import type { MetricStat } from '../shared/protocol/messages.js';
import type { Metrics } from './collectors/collector.js';

export interface Sample {
  /** Monotonic clock reading (ms) when the sample was taken. */
  readonly t: number;
  readonly metrics: Metrics;
}

/** Rounds to 1/1000: keeps reports short without changing integers (byte counts, connection counts). */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A fixed-size ring of samples; old samples fall off, nothing queues up. */
export class SampleWindow {
  private readonly ring: (Sample | undefined)[];
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<Sample | undefined>(capacity);
  }

  push(sample: Sample): void {
    this.ring[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
  }

  latest(): Sample | undefined {
    return this.ring[(this.next - 1 + this.capacity) % this.capacity];
  }

  /** Samples taken in (since, until], oldest first. */
  between(since: number, until: number): Sample[] {
    const out: Sample[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const s = this.ring[(this.next + i) % this.capacity];
      if (s && s.t > since && s.t <= until) out.push(s);
    }
    return out;
  }
}

/** Mean, min and max of every metric over the given samples; a metric missing from a sample is not counted as 0. */
export function summarize(samples: readonly Sample[]): Record<string, MetricStat> {
  const acc = new Map<string, { sum: number; min: number; max: number; n: number }>();
  for (const s of samples) {
    for (const [name, v] of Object.entries(s.metrics)) {
      if (!Number.isFinite(v)) continue;
      const a = acc.get(name);
      if (a) {
        a.sum += v;
        a.n += 1;
        if (v < a.min) a.min = v;
        if (v > a.max) a.max = v;
      } else acc.set(name, { sum: v, min: v, max: v, n: 1 });
    }
  }
  const out: Record<string, MetricStat> = {};
  for (const [name, a] of [...acc].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const min = round(a.min);
    const max = round(a.max);
    out[name] = { mean: Math.min(max, Math.max(min, round(a.sum / a.n))), min, max, n: a.n };
  }
  return out;
}
