// The capacity estimate's standard error: what it says of counts that are Poisson, and of rate and CPU that move together.
import { describe, expect, it } from 'vitest';
import { capacityRelativeError, nextMoments, type CapacityMoments } from '../../../director/core/capacity-noise.js';

/** A seeded generator, so the figures below are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
}

/** A Poisson count with mean m (Knuth's method: m is small here). */
function poisson(m: number, rnd: () => number): number {
  const l = Math.exp(-m);
  let k = 0;
  for (let p = rnd(); p > l; p *= rnd()) k++;
  return k;
}

function feed(samples: readonly [number, number][], span: number): CapacityMoments | undefined {
  let m: CapacityMoments | undefined;
  for (const [r, u] of samples) m = nextMoments(m, r, u, 2_000, span);
  return m;
}

describe('capacity estimate noise', () => {
  it('gives a rate of few completions per report a larger error than a rate of many', () => {
    const rnd = lcg(7);
    // Completions per 2 s report at 3.5/s and at 350/s, at a steady 70 % CPU.
    const few = feed(Array.from({ length: 200 }, () => [poisson(7, rnd) / 2, 0.7] as [number, number]), 60_000);
    const many = feed(Array.from({ length: 200 }, () => [(350 * 2 + (rnd() - 0.5) * 2 * Math.sqrt(3 * 700)) / 2, 0.7] as [number, number]), 60_000);
    const eFew = capacityRelativeError(few, 20_000)!;
    const eMany = capacityRelativeError(many, 20_000)!;
    // An EMA over τ = 20 s of 2 s samples keeps α/(2−α) = 0.051 of one sample's variance: 1/√7 × √0.051 ≈ 8.5 %.
    expect(eFew).toBeGreaterThan(0.05);
    expect(eFew).toBeLessThan(0.13);
    expect(eMany).toBeLessThan(0.012);
  });

  it('takes the covariance off: rate and CPU that rise and fall together leave the ratio steady', () => {
    const rnd = lcg(11);
    const together = Array.from({ length: 200 }, () => {
      const k = 0.5 + rnd();
      return [100 * k, 0.5 * k] as [number, number];
    });
    const apart = together.map(([r], i) => [r, together[(i * 37) % together.length]![1]] as [number, number]);
    expect(capacityRelativeError(feed(together, 60_000), 20_000)).toBeLessThan(1e-6);
    expect(capacityRelativeError(feed(apart, 60_000), 20_000)).toBeGreaterThan(0.05);
  });

  it('says nothing without a rate or a utilisation to divide', () => {
    expect(capacityRelativeError(undefined, 20_000)).toBeUndefined();
    expect(capacityRelativeError(feed([[0, 0.5], [0, 0.5]], 60_000), 20_000)).toBeUndefined();
  });
});
