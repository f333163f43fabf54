// The physical reference: one central FCFS queue over every core of every server, the fastest free core first.
import { MinHeap } from '../engine/min-heap.js';

export interface PhysicalServer {
  readonly cores: number;
  readonly speed: number;
  /** When it is in the pool: absent = always; a rejoining server is out until `fromS`. */
  readonly fromS?: number;
  /** Cores taken by background threads during [fromS, toS) (the scenario's background job): those cores serve none. */
  readonly background?: { readonly fromS: number; readonly toS: number; readonly threads: number };
}

export interface Arrival {
  /** Arrival time, ms. */
  readonly t: number;
  /** Work, in seconds of a speed-1 core (positive). */
  readonly work: number;
}

/** Where and when each arrival was served, in arrival order. */
export interface PhysicalSchedule {
  /** Start of service (ms); Infinity for a request no core ever takes (no server in the pool). */
  readonly startMs: Float64Array;
  /** Index of the server whose core served it; -1 for none. */
  readonly server: Int32Array;
  /** Response time (s): waiting plus work / the core's speed. */
  readonly responses: Float64Array;
}

const FREE = 0;
const BUSY = 1;
const BACKGROUND = 2;
const OUT = 3;

interface Core {
  readonly server: number;
  readonly speed: number;
  /** Position in the order "fastest, then lowest server index, then lowest core index". */
  readonly rank: number;
  state: number;
  /** While busy: when its request finishes (ms). */
  freeAt: number;
}

interface ServerState {
  readonly cores: Core[];
  present: boolean;
  /** Background threads still waiting for a core (each takes the next core of this server that frees). */
  bgWanted: number;
  readonly bgHeld: Core[];
}

const END = 0;
const JOIN = 1;
const START = 2;

interface Control {
  readonly t: number;
  /** At the same instant: background ends, then servers join, then background starts. */
  readonly kind: number;
  readonly server: number;
  readonly threads: number;
}

/** Arrival indices in FCFS order: by time, then by position (the identity when times never decrease). */
function fcfsOrder(arrivals: readonly Arrival[]): Int32Array {
  const order = new Int32Array(arrivals.length);
  let sorted = true;
  for (let i = 0; i < arrivals.length; i++) {
    order[i] = i;
    if (i > 0 && (arrivals[i]?.t ?? 0) < (arrivals[i - 1]?.t ?? 0)) sorted = false;
  }
  if (!sorted) order.sort((x, y) => (arrivals[x]?.t ?? 0) - (arrivals[y]?.t ?? 0) || x - y);
  return order;
}

/**
 * The central queue played event by event. A core serves one request at a time at its server's speed. A request that
 * arrives takes the fastest free core at once (ties: lowest server index, then lowest core index); otherwise it waits
 * in the one FIFO queue, and the head of the queue takes the first core that frees (several at one instant: the
 * fastest, by the same order). Within an instant, cores are released (finished requests, a background job ending, a
 * server joining, a background job starting) before the instant's arrivals join the queue and the queue is served.
 *
 * Background threads are not preemptive: at their `fromS` they take free cores of their server, and a core still
 * serving a request is taken when that request finishes (before the queue can have it), until `threads` cores are
 * held; at `toS` they give every core back. A server with a `fromS` has no core in the pool before it. O(n log C) for
 * n arrivals and C cores.
 */
export function physicalSchedule(servers: readonly PhysicalServer[], arrivals: readonly Arrival[]): PhysicalSchedule {
  const n = arrivals.length;
  const startMs = new Float64Array(n).fill(Infinity);
  const server = new Int32Array(n).fill(-1);
  const responses = new Float64Array(n).fill(Infinity);

  const specs: { server: number; index: number; speed: number }[] = [];
  servers.forEach((s, k) => {
    if (!(s.speed > 0)) return;
    for (let c = 0; c < s.cores; c++) specs.push({ server: k, index: c, speed: s.speed });
  });
  const byRank = [...specs].sort((a, b) => b.speed - a.speed || a.server - b.server || a.index - b.index);
  const rankOf = new Map(byRank.map((x, r) => [x, r]));
  const states: ServerState[] = servers.map((s) => ({ cores: [], present: s.fromS === undefined, bgWanted: 0, bgHeld: [] }));
  const free = new MinHeap<Core>((a, b) => a.rank < b.rank);
  const busy = new MinHeap<Core>((a, b) => a.freeAt < b.freeAt);
  for (const x of specs) {
    const st = states[x.server];
    if (st === undefined) continue;
    const core: Core = { server: x.server, speed: x.speed, rank: rankOf.get(x) ?? 0, state: st.present ? FREE : OUT, freeAt: -Infinity };
    st.cores.push(core);
    if (st.present) free.push(core);
  }

  const controls: Control[] = [];
  servers.forEach((s, k) => {
    if (s.fromS !== undefined) controls.push({ t: s.fromS * 1000, kind: JOIN, server: k, threads: 0 });
    const b = s.background;
    if (b && b.threads > 0 && b.toS > b.fromS) {
      controls.push({ t: b.fromS * 1000, kind: START, server: k, threads: Math.min(b.threads, s.cores) });
      controls.push({ t: b.toS * 1000, kind: END, server: k, threads: 0 });
    }
  });
  controls.sort((a, b) => a.t - b.t || a.kind - b.kind || a.server - b.server);

  /** A core out of a request or a background thread: to a waiting background thread, else to the pool. */
  const release = (core: Core): void => {
    const st = states[core.server];
    if (st === undefined || !st.present) {
      core.state = OUT;
    } else if (st.bgWanted > 0) {
      st.bgWanted--;
      core.state = BACKGROUND;
      st.bgHeld.push(core);
    } else {
      core.state = FREE;
      free.push(core);
    }
  };
  const apply = (c: Control): void => {
    const st = states[c.server];
    if (st === undefined) return;
    if (c.kind === JOIN) {
      st.present = true;
      for (const core of st.cores) if (core.state === OUT) release(core);
    } else if (c.kind === START) {
      st.bgWanted = c.threads;
      // Free cores go to the threads at once (they stay in the free heap as stale entries, skipped when popped).
      for (const core of st.cores) {
        if (st.bgWanted === 0) break;
        if (core.state !== FREE) continue;
        st.bgWanted--;
        core.state = BACKGROUND;
        st.bgHeld.push(core);
      }
    } else {
      st.bgWanted = 0;
      for (const core of st.bgHeld.splice(0)) release(core);
    }
  };
  const takeFree = (): Core | undefined => {
    for (let core = free.pop(); core; core = free.pop()) if (core.state === FREE) return core;
    return undefined;
  };

  const order = fcfsOrder(arrivals);
  const queue = new Int32Array(n);
  let qHead = 0;
  let qTail = 0;
  let next = 0;
  let ctl = 0;
  for (;;) {
    const nextArrival = next < n ? (arrivals[order[next] ?? 0]?.t ?? Infinity) : Infinity;
    const nextDone = busy.peek()?.freeAt ?? Infinity;
    const nextControl = controls[ctl]?.t ?? Infinity;
    const now = Math.min(nextArrival, nextDone, nextControl);
    if (now === Infinity) break;
    for (let c = controls[ctl]; c && c.t === now; c = controls[++ctl]) apply(c);
    for (let core = busy.peek(); core && core.freeAt === now; core = busy.peek()) {
      busy.pop();
      release(core);
    }
    for (; next < n && arrivals[order[next] ?? 0]?.t === now; next++) queue[qTail++] = order[next] ?? 0;
    while (qHead < qTail) {
      const core = takeFree();
      if (!core) break;
      const i = queue[qHead++] ?? 0;
      const a = arrivals[i];
      if (a === undefined) continue;
      const finish = now + (a.work * 1000) / core.speed;
      startMs[i] = now;
      server[i] = core.server;
      responses[i] = (now - a.t) / 1000 + a.work / core.speed;
      core.state = BUSY;
      core.freeAt = finish;
      busy.push(core);
    }
  }
  return { startMs, server, responses };
}

/** Response time (s) of each arrival, in arrival order. Deterministic. */
export function physicalQueue(servers: readonly PhysicalServer[], arrivals: readonly Arrival[]): Float64Array {
  return physicalSchedule(servers, arrivals).responses;
}
