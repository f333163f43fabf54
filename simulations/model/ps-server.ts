// A real server as the model sees it: processor sharing over its cores, with optional background load and slow-down.
import type { EventQueue } from '../engine/event-queue.js';
import { MinHeap } from '../engine/min-heap.js';

interface Job {
  finishV: number;
  done: (t: number) => void;
  /** Its place in `inService`. */
  slot: number;
}

/**
 * Every job in service progresses at speed × min(1, cores / (jobs + background)) work units per second. Work is
 * measured in seconds of one core at speed 1; times are the event queue's milliseconds. A virtual clock V tracks the
 * service each job has received, so finishing order is the order of (start V + work), kept in a heap.
 */
export class PsServer {
  private V = 0;
  private lastT = 0;
  private heap = new MinHeap<Job>((a, b) => a.finishV < b.finishV);
  /** The same jobs as the heap, in no order, for a listing of each one's work left. */
  private inService: Job[] = [];
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
    return this.heap.size;
  }

  /** Capacity in work units per second right now. */
  get capacity(): number {
    return this.cores * this.speed * this.factor;
  }

  /** Work still to be done by the jobs in service. */
  remainingWork(t: number): number {
    this.advance(t);
    return this.sumFinishV - this.heap.size * this.V;
  }

  /** The work still to be done by each job in service, ascending (all progress alike, so in finishing order). */
  remainingWorks(t: number): number[] {
    this.advance(t);
    const out: number[] = [];
    for (const j of this.inService) out.push(Math.max(0, j.finishV - this.V));
    return out.sort((a, b) => a - b);
  }

  /** Takes a finished job out of `inService`: the last one moves into its place. */
  private leave(j: Job): void {
    const last = this.inService.pop();
    if (last === undefined || last === j) return;
    this.inService[j.slot] = last;
    last.slot = j.slot;
  }

  private rate(): number {
    const n = this.heap.size + this.background;
    return n === 0 ? 0 : this.speed * this.factor * Math.min(1, this.cores / n);
  }

  private advance(t: number): void {
    const dt = t - this.lastT;
    if (dt <= 0) return;
    if (this.heap.size > 0) this.V += (this.rate() * dt) / 1000;
    this.busyIntegral += (Math.min(this.heap.size + this.background, this.cores) / this.cores) * (dt / 1000);
    this.lastT = t;
  }

  add(t: number, work: number, done: (t: number) => void): void {
    this.advance(t);
    const finishV = this.V + work;
    this.sumFinishV += finishV;
    const job = { finishV, done, slot: this.inService.length };
    this.heap.push(job);
    this.inService.push(job);
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
    const next = this.heap.peek();
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
    for (let j = this.heap.peek(); j && j.finishV <= this.V + eps; j = this.heap.peek()) {
      this.heap.pop();
      this.sumFinishV -= j.finishV;
      this.leave(j);
      finished.push(j);
    }
    this.reschedule(t);
    for (const j of finished) j.done(t);
  }
}
