// Strict lower bounds on the response times of any dispatch of the same arrivals to the same servers.
import { MinHeap } from '../engine/min-heap.js';
import type { Arrival, PhysicalServer } from './physical-queue.js';

/**
 * Each request served at once on the fastest core in the cluster: work / the highest speed, in seconds, in arrival
 * order. No server can serve a request faster, so each value bounds that request's response time, and any
 * percentile of these bounds the same percentile of any policy. Infinity when no server has a core.
 */
export function noWaitResponses(servers: readonly PhysicalServer[], arrivals: readonly Arrival[]): Float64Array {
  let fastest = 0;
  for (const s of servers) if (s.cores > 0 && s.speed > fastest) fastest = s.speed;
  const out = new Float64Array(arrivals.length);
  arrivals.forEach((a, i) => {
    out[i] = fastest > 0 ? a.work / fastest : Infinity;
  });
  return out;
}

interface Job {
  /** Work left, in seconds of a speed-1 core. */
  rem: number;
  /** Arrival time, s. */
  readonly t: number;
}

/**
 * Mean response time (s) of preemptive shortest-remaining-processing-time on one machine whose speed is the cluster's
 * total capacity Σ cores × speed (every server counted for the whole run, rejoining or busy with background work or
 * not). That machine can do whatever k servers of the same total speed do, and SRPT minimises the sum of response
 * times on one machine, so no dispatch to the cluster has a lower mean. Event-driven and exact: between two arrivals
 * the job with the least work left runs alone at the full speed; a job's work left only ever decreases while it is the
 * heap's top, so the heap stays ordered. O(n log n). NaN for no arrivals, Infinity when there is no capacity.
 */
export function srptPooledMeanS(servers: readonly PhysicalServer[], arrivals: readonly Arrival[]): number {
  const n = arrivals.length;
  if (n === 0) return NaN;
  let capacity = 0;
  for (const s of servers) if (s.cores > 0 && s.speed > 0) capacity += s.cores * s.speed;
  if (!(capacity > 0)) return Infinity;
  const ts = arrivals.map((a) => a.t / 1000);
  const order = ts.map((_, i) => i);
  if (ts.some((t, i) => i > 0 && t < (ts[i - 1] ?? 0))) order.sort((x, y) => (ts[x] ?? 0) - (ts[y] ?? 0) || x - y);
  const heap = new MinHeap<Job>((a, b) => a.rem < b.rem);
  let now = ts[order[0] ?? 0] ?? 0;
  let sum = 0;
  /** Runs the machine until `until` (s), finishing jobs on the way. */
  const runUntil = (until: number): void => {
    for (let job = heap.peek(); job; job = heap.peek()) {
      const done = now + job.rem / capacity;
      if (done > until) {
        job.rem -= (until - now) * capacity;
        break;
      }
      heap.pop();
      now = done;
      sum += done - job.t;
    }
    now = until;
  };
  for (const i of order) {
    const a = arrivals[i];
    const t = ts[i];
    if (a === undefined || t === undefined) continue;
    runUntil(t);
    heap.push({ rem: a.work, t });
  }
  runUntil(Infinity);
  return sum / n;
}
