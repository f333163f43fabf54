// The capacity estimate's standard error: what it says of Poisson counts, of rate and CPU that move together, of blips.
import { describe, expect, it } from 'vitest';
import { addToBatch, capacityRelativeError, type CapacityNoiseInputs } from '../../../director/core/capacity-noise.js';

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

const BATCH = 10_000;
const SPAN = 60_000;
const TAU = 20_000;

/** Reports every 2 s from t = 0 of (completed rate, utilisation), through the batches. */
function feed(samples: readonly [number, number][]): CapacityNoiseInputs {
  let held: CapacityNoiseInputs = {};
  samples.forEach(([r, u], i) => {
    held = addToBatch(held, r, u, 2_000, i * 2_000, BATCH, SPAN);
  });
  return held;
}

const errorOf = (samples: readonly [number, number][]) => capacityRelativeError(feed(samples).moments, TAU);

describe('capacity estimate noise', () => {
  it('gives a rate of few completions per report a larger error than a rate of many', () => {
    const rnd = lcg(7);
    // Completions per 2 s report at 3.5/s and at 350/s, at a steady 70 % CPU.
    const eFew = errorOf(Array.from({ length: 300 }, () => [poisson(7, rnd) / 2, 0.7] as [number, number]))!;
    const eMany = errorOf(Array.from({ length: 300 }, () => [(350 * 2 + (rnd() - 0.5) * 2 * Math.sqrt(3 * 700)) / 2, 0.7] as [number, number]))!;
    // A 10 s batch holds 35 completions (relative sd 1/√35 = 17 %); an EMA over τ = 20 s of 10 s batches keeps
    // α/(2−α) = 0.245 of a batch's variance: 17 % × √0.245 ≈ 8.3 %, as it would be from single reports.
    expect(eFew).toBeGreaterThan(0.05);
    expect(eFew).toBeLessThan(0.13);
    expect(eMany).toBeLessThan(0.012);
  });

  it('takes the covariance off: rate and CPU that rise and fall together leave the ratio steady', () => {
    const rnd = lcg(11);
    // Each batch's load differs (five reports alike), rate and CPU in proportion.
    const levels = Array.from({ length: 60 }, () => 0.5 + rnd());
    const together = levels.flatMap((k) => Array.from({ length: 5 }, () => [100 * k, 0.5 * k] as [number, number]));
    const apart = together.map(([r], i) => [r, together[(i * 37 + 5) % together.length]![1]] as [number, number]);
    expect(errorOf(together)).toBeLessThan(1e-6);
    expect(errorOf(apart)).toBeGreaterThan(0.05);
  });

  it('does not count a blip in the established count as noise: it enters two reports with opposite signs', () => {
    // Accepted 50/s steadily; the established count jumps by 40 and back, so the completed rate of single reports reads
    // 50 − 20 then 50 + 20, while every 10 s batch of them completes its 500 connections.
    const blips = Array.from({ length: 300 }, (_, i) => [i % 5 === 1 ? 30 : i % 5 === 2 ? 70 : 50, 0.6] as [number, number]);
    expect(errorOf(blips)).toBeLessThan(1e-6);
  });

  it('does not count a drift of the level as noise, only what changes from one batch to the next beyond it', () => {
    // Load rising steadily from 20 % to 80 % with the rate in proportion, plus the batches' own Poisson noise.
    const rnd = lcg(5);
    const drift = Array.from({ length: 300 }, (_, i) => {
      const k = 0.2 + (0.6 * i) / 300;
      return [poisson(100 * k * 2, rnd) / 2, k] as [number, number];
    });
    const steady = Array.from({ length: 300 }, () => [poisson(100 * 0.8 * 2, rnd) / 2, 0.8] as [number, number]);
    // At the end both run at 80 %: the same Poisson noise, whatever the level did before.
    expect(errorOf(drift)!).toBeLessThan(errorOf(steady)! * 1.5);
  });

  it('says nothing before two batches, or without a rate or a utilisation to divide', () => {
    expect(capacityRelativeError(undefined, TAU)).toBeUndefined();
    expect(errorOf(Array.from({ length: 5 }, () => [10, 0.5] as [number, number]))).toBeUndefined();
    expect(errorOf(Array.from({ length: 30 }, () => [0, 0.5] as [number, number]))).toBeUndefined();
  });
});
