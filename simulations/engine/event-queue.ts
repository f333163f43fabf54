// The model's event queue: events run in time order, ties in the order they were scheduled (deterministic).
import { MinHeap } from './min-heap.js';

interface Entry {
  t: number;
  seq: number;
  run: () => void;
}

export class EventQueue {
  private heap = new MinHeap<Entry>((a, b) => a.t < b.t || (a.t === b.t && a.seq < b.seq));
  private seq = 0;
  now = 0;

  at(t: number, run: () => void): void {
    this.heap.push({ t: Math.max(t, this.now), seq: this.seq++, run });
  }

  /** Runs events until the queue is empty or the next one is after `until`. */
  runUntil(until: number): void {
    for (let next = this.heap.peek(); next && next.t <= until; next = this.heap.peek()) {
      this.heap.pop();
      this.now = next.t;
      next.run();
    }
    this.now = Math.max(this.now, until);
  }
}
