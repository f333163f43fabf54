// The model's PS server lists the work left of each job in service, ascending, as the PS dispatch reference needs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../simulations/engine/event-queue.js';
import { PsServer } from '../../../simulations/model/ps-server.js';

describe('PsServer.remainingWorks', () => {
  it('gives each job its work left at that time, ascending, and drops jobs once they finish', () => {
    const q = new EventQueue();
    const server = new PsServer(2, 1, q);
    for (const w of [3, 1, 2]) server.add(0, w, () => undefined);
    expect(server.remainingWorks(0)).toEqual([1, 2, 3]);
    // Three jobs on two cores: each at 2/3 per second.
    q.runUntil(1000);
    server.remainingWorks(1000).forEach((r, i) => expect(r).toBeCloseTo([1 / 3, 4 / 3, 7 / 3][i] ?? NaN, 12));
    // The first is done at 1.5 s; then two jobs run at full speed: half a second later 0.5 and 1.5 are left.
    q.runUntil(2000);
    server.remainingWorks(2000).forEach((r, i) => expect(r).toBeCloseTo([0.5, 1.5][i] ?? NaN, 12));
    q.runUntil(10_000);
    expect(server.remainingWorks(10_000)).toEqual([]);
  });

  it('counts background threads and speed: one core at speed 2 with a background thread gives a job 1 per second', () => {
    const q = new EventQueue();
    const server = new PsServer(1, 2, q);
    server.setBackground(0, 1);
    server.add(0, 3, () => undefined);
    q.runUntil(1000);
    expect(server.remainingWorks(1000)[0]).toBeCloseTo(2, 12);
  });

  it('agrees with the total work left and the job count at any moment of a random run', () => {
    const step = fc.record({ dt: fc.integer({ min: 0, max: 500 }), work: fc.double({ min: 0.001, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(step, { maxLength: 60 }), (cores, steps) => {
        const q = new EventQueue();
        const server = new PsServer(cores, 1, q);
        let t = 0;
        for (const s of steps) {
          t += s.dt;
          q.runUntil(t);
          const rem = server.remainingWorks(t);
          expect(rem.length).toBe(server.jobs);
          rem.forEach((r, i) => expect(r).toBeGreaterThanOrEqual(i > 0 ? (rem[i - 1] ?? 0) : 0));
          expect(rem.reduce((a, b) => a + b, 0)).toBeCloseTo(server.remainingWork(t), 9);
          server.add(t, s.work, () => undefined);
        }
      }),
    );
  });
});
