// Reconnect delays grow to a cap, never fall below half the current ceiling, and jump to the cap after a refusal.
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../agent/backoff.js';

const settings = { initialMs: 1_000, maxMs: 30_000, factor: 2 };

describe('Backoff', () => {
  it('doubles the ceiling per failure up to the cap, with delays in [ceiling/2, ceiling]', () => {
    const low = new Backoff(settings, () => 0);
    expect(Array.from({ length: 7 }, () => low.next())).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
    const high = new Backoff(settings, () => 1);
    expect(Array.from({ length: 7 }, () => high.next())).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('starts over after reset', () => {
    const b = new Backoff(settings, () => 1);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(1_000);
  });

  it('jumps to the cap when exhausted (a refusing director)', () => {
    const b = new Backoff(settings, () => 1);
    b.exhaust();
    expect(b.next()).toBe(30_000);
  });
});
