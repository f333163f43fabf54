// The strict lower bounds: no-wait on the fastest core, and SRPT on one machine of the cluster's whole capacity.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile } from '../../../simulations/measure/summary.js';
import { noWaitResponses, srptPooledMeanS } from '../../../simulations/references/bounds.js';
import { physicalQueue, type Arrival } from '../../../simulations/references/physical-queue.js';
import { anyArrivals, anyServers } from './arbitraries.js';

/** SRPT the slow way: at every step scan the jobs present for the least work left, run it to the next event. */
function naiveSrptMean(capacity: number, arrivals: readonly Arrival[]): number {
  const jobs: { rem: number; t: number }[] = [];
  let next = 0;
  let now = (arrivals[0]?.t ?? 0) / 1000;
  let sum = 0;
  while (next < arrivals.length || jobs.length > 0) {
    const arrivalAt = next < arrivals.length ? (arrivals[next]?.t ?? 0) / 1000 : Infinity;
    let k = -1;
    jobs.forEach((j, i) => {
      if (k < 0 || j.rem < (jobs[k]?.rem ?? Infinity)) k = i;
    });
    const job = jobs[k];
    if (job && now + job.rem / capacity <= arrivalAt) {
      now += job.rem / capacity;
      sum += now - job.t;
      jobs.splice(k, 1);
      continue;
    }
    if (job) job.rem -= (arrivalAt - now) * capacity;
    now = arrivalAt;
    const a = arrivals[next++];
    if (a) jobs.push({ rem: a.work, t: a.t / 1000 });
  }
  return sum / arrivals.length;
}

const mean = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sorted = (xs: Float64Array): Float64Array => Float64Array.from(xs).sort();

describe('noWaitResponses', () => {
  it('is work / the fastest speed in the cluster, whoever is in the pool', () => {
    const servers = [
      { cores: 4, speed: 1 },
      { cores: 1, speed: 2.5, fromS: 100 },
    ];
    expect([...noWaitResponses(servers, [{ t: 0, work: 1 }, { t: 5, work: 0.5 }])]).toEqual([0.4, 0.2]);
    expect([...noWaitResponses([], [{ t: 0, work: 1 }])]).toEqual([Infinity]);
  });
});

describe('srptPooledMeanS', () => {
  it('runs the job with least work left on the whole capacity, preempting a longer one', () => {
    // Capacity 1: A (3) from 0, B (1) at 1 s preempts (A has 2 left): B done at 2 s, A at 4 s. Mean (4 + 1) / 2.
    expect(srptPooledMeanS([{ cores: 1, speed: 1 }], [{ t: 0, work: 3 }, { t: 1000, work: 1 }])).toBe(2.5);
    // Capacity 2 × 0.5 + 1 = 2: two jobs at 0 of 1 and 2: done at 0.5 and 1.5, mean 1.
    expect(srptPooledMeanS([{ cores: 2, speed: 0.5 }, { cores: 1, speed: 1 }], [{ t: 0, work: 2 }, { t: 0, work: 1 }])).toBe(1);
    expect(srptPooledMeanS([{ cores: 1, speed: 1 }], [])).toBeNaN();
    expect(srptPooledMeanS([], [{ t: 0, work: 1 }])).toBe(Infinity);
  });

  it('matches a naive SRPT (least work left found by scanning) on random arrivals', () => {
    fc.assert(
      fc.property(anyServers, anyArrivals, (servers, arrivals) => {
        const capacity = servers.reduce((a, s) => a + s.cores * s.speed, 0);
        const want = naiveSrptMean(capacity, arrivals);
        expect(Math.abs(srptPooledMeanS(servers, arrivals) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, want));
      }),
    );
  });
});

describe('the bounds against the physical reference on the same arrivals', () => {
  it('no request of the physical queue beats no-wait, so neither does its p99; its mean never beats SRPT pooled', () => {
    fc.assert(
      fc.property(anyServers, anyArrivals, (servers, arrivals) => {
        const physical = physicalQueue(servers, arrivals);
        const noWait = noWaitResponses(servers, arrivals);
        physical.forEach((r, i) => expect(noWait[i]).toBeLessThanOrEqual(r));
        expect(percentile(sorted(noWait), 0.99)).toBeLessThanOrEqual(percentile(sorted(physical), 0.99));
        const srpt = srptPooledMeanS(servers, arrivals);
        expect(srpt).toBeLessThanOrEqual(mean(physical) * (1 + 1e-12));
      }),
      { numRuns: 300 },
    );
  });
});
