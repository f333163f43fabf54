// Arrivals take their request class in proportion to the classes' shares.
import { describe, expect, it } from 'vitest';
import { classPicker } from '../../../simulations/model/request-mix.js';

const cheap = { share: 0.9, meanWork: 0.002, cv: 0.5 };
const heavy = { share: 0.1, meanWork: 0.08, cv: 1.5 };

describe('classPicker', () => {
  it('maps draws to classes by cumulative share: [0, 0.9) the first, [0.9, 1) the second', () => {
    const pick = classPicker([cheap, heavy]);
    expect(pick(0)).toBe(cheap);
    expect(pick(0.899)).toBe(cheap);
    expect(pick(0.9)).toBe(heavy);
    expect(pick(0.999_999)).toBe(heavy);
  });

  it('scales the draw by the total share, so shares need not add up to 1', () => {
    const pick = classPicker([{ ...cheap, share: 3 }, { ...heavy, share: 1 }]);
    expect(pick(0.74)).toMatchObject({ share: 3 });
    expect(pick(0.75)).toMatchObject({ share: 1 });
  });

  it('gives the last class when rounding puts the draw at the very end of the range', () => {
    expect(classPicker([cheap, heavy])(1)).toBe(heavy);
    expect(classPicker([cheap])(1)).toBe(cheap);
  });
});
