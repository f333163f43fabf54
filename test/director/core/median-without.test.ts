// The median of the others, taken from one sorted list, equals the median of the list with that member left out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianWithout } from '../../../director/core/median-without.js';

function naiveMedian(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

describe('medianWithout', () => {
  it('is the median of the others for every member, duplicates included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 40 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        values.forEach((v, i) => {
          expect(medianWithout(sorted, v)).toBe(naiveMedian(values.filter((_, j) => j !== i)));
        });
      }),
      { numRuns: 500 },
    );
  });
});
