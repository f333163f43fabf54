// A real server as the model sees it: processor sharing over its cores, with optional background load and slow-down.
import type { EventQueue } from '../engine/event-queue.js';

interface Job {
  finishV: number;
  done: (t: number) => void;
}

/**
 * Every job in service progresses at speed × min(1, cores / (jobs + background)) work units per second. Work is
 * measured in seconds of one core at speed 1; times are the event queue's milliseconds. A virtual clock V tracks the
 * service each job has received, so finishing order is the order of (start V + work), kept in a heap.
 */
export class PsServer {
  private V = 0;
  private lastT = 0;
  private heap: Job[] = [];
  private gen = 0;
  private sumFinishV = 0;
  /** ∫ min(jobs + background, cores) / cores dt in seconds: CPU busy time, for utilisation and the agent's samples. */
  busyIntegral = 0;
  background = 0;
  factor = 1;

  constructor(
    readonly cores: number,
    readonly speed: number,
    private readonly q: EventQueue,
  ) {}

  get jobs(): number {
    return this.heap.length;
  }

  /** Capacity in work units per second right now. */
  get capacity(): number {
    return this.cores * this.speed * this.factor;
  }

  /** Work still to be done by the jobs in service. */
  remainingWork(t: number): number {
    this.advance(t);
    return this.sumFinishV - this.heap.length * this.V;
  }

  private rate(): number {
    const n = this.heap.length + this.background;
    return n === 0 ? 0 : this.speed * this.factor * Math.min(1, this.cores / n);
  }

  private advance(t: number): void {
    const dt = t - this.lastT;
    if (dt <= 0) return;
    if (this.heap.length > 0) this.V += (this.rate() * dt) / 1000;
    this.busyIntegral += (Math.min(this.heap.length + this.background, this.cores) / this.cores) * (dt / 1000);
    this.lastT = t;
  }

  add(t: number, work: number, done: (t: number) => void): void {
    this.advance(t);
    this.push({ finishV: this.V + work, done });
    this.reschedule(t);
  }

  /** Background CPU-bound threads (a compile, a cron job) sharing the cores from now on. */
  setBackground(t: number, threads: number): void {
    this.advance(t);
    this.background = threads;
    this.reschedule(t);
  }

  /** Speed multiplier (a capacity loss). */
  setFactor(t: number, factor: number): void {
    this.advance(t);
    this.factor = factor;
    this.reschedule(t);
  }

  private reschedule(t: number): void {
    const gen = ++this.gen;
    const next = this.heap[0];
    if (!next) return;
    const dt = Math.max(0, ((next.finishV - this.V) / this.rate()) * 1000);
    this.q.at(t + dt, () => {
      if (gen !== this.gen) return;
      this.complete(t + dt);
    });
  }

  private complete(t: number): void {
    this.advance(t);
    const eps = 1e-12 * Math.max(1, this.V);
    const finished: Job[] = [];
    while (this.heap.length > 0 && this.heap[0]!.finishV <= this.V + eps) finished.push(this.pop());
    this.reschedule(t);
    for (const j of finished) j.done(t);
  }

  private push(j: Job): void {
    const h = this.heap;
    this.sumFinishV += j.finishV;
    h.push(j);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.finishV <= h[i]!.finishV) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Job {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.finishV < h[m]!.finishV) m = l;
        if (r < h.length && h[r]!.finishV < h[m]!.finishV) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    this.sumFinishV -= top.finishV;
    return top;
  }
}
