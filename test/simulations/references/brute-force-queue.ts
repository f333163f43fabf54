// A deliberately naive central FCFS queue, stepped tick by tick, to check the event-driven physical reference against.
import type { Arrival, PhysicalServer } from '../../../simulations/references/physical-queue.js';

/** The tick (ms). Inputs must put every event on it: integer-ms arrivals, works k/8 s, speeds 0.5/1/2/4, times k/8 s. */
export const TICK_MS = 0.25;

interface SimCore {
  readonly server: number;
  readonly index: number;
  readonly speed: number;
  busyUntil: number;
  held: boolean;
}

/**
 * Every tick: background jobs end, start and grab idle cores of their server; arrivals join the queue; then while
 * someone waits and a core is idle, unheld and in the pool, the head of the queue takes the fastest such core (lowest
 * server, then core, on ties), found by scanning them all. Returns each arrival's server and start (ms).
 */
export function bruteForceQueue(servers: readonly PhysicalServer[], arrivals: readonly Arrival[]): { server: number[]; startMs: number[] } {
  const cores: SimCore[] = [];
  servers.forEach((s, k) => {
    for (let c = 0; c < s.cores; c++) cores.push({ server: k, index: c, speed: s.speed, busyUntil: -Infinity, held: false });
  });
  const want = servers.map(() => 0);
  const server = arrivals.map(() => -1);
  const startMs = arrivals.map(() => Infinity);
  const queue: number[] = [];
  let served = 0;
  let arrived = 0;
  // Past the last event, every request served back to back on the slowest speed (0.5) is done.
  const lastEvent = Math.max(0, ...arrivals.map((a) => a.t), ...servers.flatMap((s) => [(s.fromS ?? 0) * 1000, (s.background?.toS ?? 0) * 1000]));
  const horizon = lastEvent + arrivals.reduce((a, x) => a + x.work * 1000 * 2, 0) + 10;
  for (let tick = 0; served < arrivals.length && tick * TICK_MS <= horizon; tick++) {
    const now = tick * TICK_MS;
    servers.forEach((s, k) => {
      const b = s.background;
      if (!b || b.threads <= 0 || b.toS <= b.fromS) return;
      if (now === b.toS * 1000) {
        want[k] = 0;
        for (const c of cores) if (c.server === k) c.held = false;
      }
      if (now === b.fromS * 1000) want[k] = Math.min(b.threads, s.cores);
    });
    for (const c of cores) {
      if ((want[c.server] ?? 0) > 0 && !c.held && c.busyUntil <= now) {
        c.held = true;
        want[c.server] = (want[c.server] ?? 0) - 1;
      }
    }
    while (arrived < arrivals.length && arrivals[arrived]?.t === now) queue.push(arrived++);
    while (queue.length > 0) {
      let best: SimCore | undefined;
      for (const c of cores) {
        const s = servers[c.server];
        const inPool = s !== undefined && (s.fromS === undefined || now >= s.fromS * 1000);
        if (!inPool || c.held || c.busyUntil > now) continue;
        if (!best || c.speed > best.speed || (c.speed === best.speed && (c.server < best.server || (c.server === best.server && c.index < best.index)))) best = c;
      }
      if (!best) break;
      const i = queue.shift() ?? 0;
      const a = arrivals[i];
      if (a === undefined) break;
      best.busyUntil = now + (a.work * 1000) / best.speed;
      server[i] = best.server;
      startMs[i] = now;
      served++;
    }
  }
  return { server, startMs };
}
