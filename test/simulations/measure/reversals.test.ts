import { describe, expect, it } from 'vitest';
import { reversals } from '../../../simulations/measure/summary.js';

const at = (t: number, ...weights: number[]) => ({ t, weights, util: weights.map(() => 0) });

describe('weight reversals', () => {
  it('counts each change of direction of a server’s weight after the warm-up, not steps the same way or holds', () => {
    const series = [at(0, 100, 100), at(2, 50, 100), at(4, 60, 100), at(6, 60, 90), at(8, 70, 80), at(10, 70, 70), at(12, 65, 75)];
    // Server 1: down (before 3 s, not counted), up at 4, up at 8, down at 12: one reversal after the warm-up.
    // Server 2: down, down, down, up: one.
    expect(reversals(series, 3)).toBe(2);
    // From the start server 1 also turns at 4 s.
    expect(reversals(series, 0)).toBe(3);
  });
});
