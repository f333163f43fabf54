import { describe, expect, it } from 'vitest';
import type { DampingSettings } from '../../../director/core/core-config.js';
import { damp, ladderRung, slowStartCap } from '../../../director/core/damping.js';

const S: DampingSettings = { deadbandPct: 5, noiseErrors: 2, maxStepPct: 25, minIntervalMs: 4_000, slowStartMs: 60_000, slowStartFromPct: 10 };
const base = { referenceWeight: 100, lastWriteAt: undefined, now: 100_000 };

describe('damping', () => {
  it('widens the deadband to the target’s noise, never narrows it', () => {
    // ±12 % of noise: a move to 89 from 100 is chance, a move to 88 is not.
    expect(damp({ ...base, current: 100, target: 89, noisePct: 12 }, S)).toEqual({ weight: 100, note: "within deadband of 89 (±12 %: the estimate's noise)" });
    expect(damp({ ...base, current: 100, target: 88, noisePct: 12 }, S).weight).toBe(88);
    // Less noise than the configured deadband changes nothing.
    expect(damp({ ...base, current: 100, target: 96, noisePct: 2 }, S)).toEqual({ weight: 100, note: 'within deadband of 96' });
    expect(damp({ ...base, current: 100, target: 95, noisePct: 2 }, S).weight).toBe(95);
  });

  it('never lets the noise hold a weight a whole step off its target', () => {
    // ±90 % of noise (an estimate still settling at the start): a target 24 % away waits, one 40 % away is stepped to.
    expect(damp({ ...base, current: 81, target: 62, noisePct: 90 }, S)).toEqual({ weight: 81, note: "within deadband of 62 (±25 %: the estimate's noise)" });
    expect(damp({ ...base, current: 81, target: 48, noisePct: 90 }, S)).toEqual({ weight: 56, note: 'step limited from 48' });
  });

  it('puts a realigned target on the nearest rung of the reference weight × (1 + deadband/2)^k', () => {
    const ten = { ...S, deadbandPct: 10 };
    expect([98, 102, 100].map((t) => ladderRung(t, 100, ten))).toEqual([100, 100, 100]);
    expect(ladderRung(94, 100, ten)).toBe(95);
    expect(ladderRung(175, 100, ten)).toBe(171);
    expect(ladderRung(43, 100, ten)).toBe(44);
    expect(ladderRung(0, 100, ten)).toBe(0);
    // Without a deadband there is no ladder: the target as it is.
    expect(ladderRung(94, 100, { ...S, deadbandPct: 0 })).toBe(94);
  });

  it('holds a change smaller than the deadband', () => {
    expect(damp({ ...base, current: 100, target: 96 }, S)).toEqual({ weight: 100, note: 'within deadband of 96' });
    expect(damp({ ...base, current: 100, target: 95 }, S).weight).toBe(95);
  });

  it('limits a step to maxStep % of the larger of current and reference weight', () => {
    expect(damp({ ...base, current: 100, target: 40 }, S)).toEqual({ weight: 75, note: 'step limited from 40' });
    expect(damp({ ...base, current: 400, target: 0 }, S).weight).toBe(300);
    expect(damp({ ...base, current: 10, target: 200 }, S).weight).toBe(35);
  });

  it('waits for the minimum interval since the last write', () => {
    const r = damp({ ...base, current: 100, target: 50, lastWriteAt: 97_500 }, S);
    expect(r.weight).toBe(100);
    expect(r.note).toBe('next write in 2s');
    expect(damp({ ...base, current: 100, target: 50, lastWriteAt: 96_000 }, S).weight).toBe(75);
  });

  it('moves from 0 as soon as the target is positive', () => {
    expect(damp({ ...base, current: 0, target: 1 }, S).weight).toBe(1);
  });

  it('caps increases under slow start but never forces a decrease', () => {
    expect(damp({ ...base, current: 10, target: 100, slowStartCap: 20 }, S)).toEqual({ weight: 20, note: 'slow start ceiling 20 (target 100)' });
    expect(damp({ ...base, current: 80, target: 60, slowStartCap: 20 }, S).weight).toBe(60);
  });

  it('ramps the slow-start ceiling linearly from slowStartFrom % of the target, never below the starting weight', () => {
    expect(slowStartCap(100, 0, 0, 0, S)).toBeCloseTo(10);
    expect(slowStartCap(100, 0, 0, 30_000, S)).toBeCloseTo(55);
    expect(slowStartCap(100, 70, 0, 30_000, S)).toBe(70);
    expect(slowStartCap(100, 0, 0, 60_000, S)).toBeUndefined();
  });
});
