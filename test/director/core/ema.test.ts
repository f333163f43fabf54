import { describe, expect, it } from 'vitest';
import { emaAlpha, emaNext } from '../../../director/core/ema.js';

describe('EMA with a time constant', () => {
  it('starts at the first sample', () => {
    expect(emaNext(undefined, 42, 2_000, 10_000)).toBe(42);
  });

  it('reaches 63.2 % of a step after one time constant, whatever the sample spacing', () => {
    for (const dt of [500, 1_000, 2_000, 2_500]) {
      let v = emaNext(undefined, 0, dt, 10_000);
      for (let t = 0; t < 10_000; t += dt) v = emaNext(v, 100, dt, 10_000);
      expect(v).toBeCloseTo(100 * (1 - Math.exp(-1)), 6);
    }
  });

  it('treats two 1 s samples like one 2 s sample of the same value (irregular intervals are unbiased)', () => {
    const a = emaNext(emaNext(50, 80, 1_000, 10_000), 80, 1_000, 10_000);
    const b = emaNext(50, 80, 2_000, 10_000);
    expect(a).toBeCloseTo(b, 10);
  });

  it('a zero time constant follows the input; a zero interval changes nothing', () => {
    expect(emaNext(10, 90, 2_000, 0)).toBe(90);
    expect(emaAlpha(0, 10_000)).toBe(0);
    expect(emaNext(10, 90, 0, 10_000)).toBe(10);
  });
});
