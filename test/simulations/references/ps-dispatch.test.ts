// The perfect-knowledge dispatch for processor-sharing servers: least increase in the sum of completion times.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../simulations/engine/event-queue.js';
import { PsServer } from '../../../simulations/model/ps-server.js';
import { bestPsServer, psResponseIncrease } from '../../../simulations/references/ps-dispatch.js';

/** Sum of completion times (s) of these jobs started together on the model's own PS server, nothing else arriving. */
function psSumOfCompletions(works: readonly number[], cores: number, speed: number, background: number): number {
  const q = new EventQueue();
  const server = new PsServer(cores, speed, q);
  if (background > 0) server.setBackground(0, background);
  let sum = 0;
  for (const w of works) server.add(0, w, (t) => (sum += t / 1000));
  q.runUntil(Infinity);
  return sum;
}

const works = fc.array(fc.double({ min: 0.0001, max: 2, noNaN: true }), { maxLength: 30 }).map((xs) => xs.sort((a, b) => a - b));

describe('psResponseIncrease', () => {
  it('is what hand computation gives', () => {
    // Alone: its own time.
    expect(psResponseIncrease([], 2, 1, 1)).toBe(2);
    expect(psResponseIncrease([], 2, 4, 0.5)).toBe(4);
    // One core, one job with 1 left, a job of 1 joins: both at half speed, both done at 2 s: 4 − 1.
    expect(psResponseIncrease([1], 1, 1, 1)).toBe(3);
    // Two cores: no sharing, no delay to the other.
    expect(psResponseIncrease([1], 1, 2, 1)).toBe(1);
    // One core, 1 left, a job of 3 joins: half speed until the old one is done at 2 s, then 2 left alone: 2 + 4 − 1.
    expect(psResponseIncrease([1], 3, 1, 1)).toBe(5);
    // One core with one background thread: the new job alone runs at half speed.
    expect(psResponseIncrease([], 1, 1, 1, 1)).toBe(2);
  });

  it('equals the change in the sum of completion times of the model PS server, with and without the new job', () => {
    fc.assert(
      fc.property(
        works,
        fc.double({ min: 0.0001, max: 2, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(0.5, 1, 1.7, 3),
        fc.integer({ min: 0, max: 3 }),
        (remaining, work, cores, speed, background) => {
          const want = psSumOfCompletions([...remaining, work], cores, speed, background) - psSumOfCompletions(remaining, cores, speed, background);
          const got = psResponseIncrease(remaining, work, cores, speed, background);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, psSumOfCompletions([...remaining, work], cores, speed, background)));
        },
      ),
    );
  });

  it('grows with the work of the new job and never falls below its running time alone', () => {
    fc.assert(
      fc.property(works, fc.double({ min: 0.0001, max: 2, noNaN: true }), fc.double({ min: 0.0001, max: 2, noNaN: true }), fc.integer({ min: 1, max: 8 }), (remaining, a, b, cores) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(psResponseIncrease(remaining, lo, cores, 1)).toBeLessThanOrEqual(psResponseIncrease(remaining, hi, cores, 1) * (1 + 1e-12));
        expect(psResponseIncrease(remaining, lo, cores, 1)).toBeGreaterThanOrEqual(lo * (1 - 1e-12));
      }),
    );
  });
});

describe('bestPsServer', () => {
  it('picks an idle fast server over a busy one, skips servers out of the pool, and breaks ties by lowest index', () => {
    const busy = { remaining: [0.5, 0.5, 0.5], cores: 2, speed: 1, present: true };
    const idleFast = { remaining: [], cores: 1, speed: 2, present: true };
    expect(bestPsServer([busy, idleFast], 0.01)).toBe(1);
    expect(bestPsServer([busy, { ...idleFast, present: false }], 0.01)).toBe(0);
    expect(bestPsServer([idleFast, idleFast], 0.01)).toBe(0);
    expect(bestPsServer([{ ...busy, present: false }], 0.01)).toBe(-1);
    expect(bestPsServer([], 0.01)).toBe(-1);
    // A fast server busy with a background job loses to an idle one of half its speed.
    expect(bestPsServer([{ ...idleFast, cores: 1, background: 3 }, { ...idleFast, speed: 1 }], 0.01)).toBe(1);
  });

  it('returns the present server of least increase, the first of equals', () => {
    const server = fc.record({ remaining: works, cores: fc.integer({ min: 1, max: 4 }), speed: fc.constantFrom(0.5, 1, 2), present: fc.boolean() });
    fc.assert(
      fc.property(fc.array(server, { maxLength: 6 }), fc.double({ min: 0.0001, max: 1, noNaN: true }), (servers, work) => {
        const inc = servers.map((s) => (s.present ? psResponseIncrease(s.remaining, work, s.cores, s.speed) : Infinity));
        const least = Math.min(...inc);
        expect(bestPsServer(servers, work)).toBe(least === Infinity ? -1 : inc.indexOf(least));
      }),
    );
  });
});
