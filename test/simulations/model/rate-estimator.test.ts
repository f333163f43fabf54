// The model's rate estimator gives what ipvsadm --rate prints: the kernel's integer EWMA, ¼ per 2 s, scaled by 2^10.
import { describe, expect, it } from 'vitest';
import { ESTIMATOR_START, estimatorCps, estimatorTick, KernelRateEstimator, type EstimatorState } from '../../../simulations/model/rate-estimator.js';

/** The reported CPS after each tick, for the counter's value at each tick. */
function reported(counters: readonly number[]): number[] {
  let s: EstimatorState = ESTIMATOR_START;
  return counters.map((c) => {
    s = estimatorTick(s, c);
    return estimatorCps(s);
  });
}

describe('the kernel rate estimator (ip_vs_est.c)', () => {
  it('rises by a quarter of the gap per tick: 10 connections every 2 s (5/s) reads 1, 2, 3, 3, 4, 4, 4, 4 …', () => {
    // rate = 10 << 9 = 5120; each tick cps += (5120 − cps) >> 2: 1280, 2240, 2960, 3500, 3905, 4208, 4436, 4607;
    // read (cps + 511) >> 10: 1, 2, 3, 3, 4, 4, 4, 4. Eight ticks (16 s) and it still says 4.
    let s: EstimatorState = ESTIMATOR_START;
    const scaled: number[] = [];
    for (let k = 1; k <= 8; k++) {
      s = estimatorTick(s, 10 * k);
      scaled.push(s.scaledCps);
    }
    expect(scaled).toEqual([1280, 2240, 2960, 3500, 3905, 4208, 4436, 4607]);
    expect(reported([10, 20, 30, 40, 50, 60, 70, 80])).toEqual([1, 2, 3, 3, 4, 4, 4, 4]);
  });

  it('settles 3 short of 5/s × 2^10 (the floor of the last quarter steps is 0) and reads 5; halves are rounded down', () => {
    // … 5113, 5114, 5115, 5116, 5117, then (5120 − 5117) >> 2 = 0: it stays at 5117, read (5117 + 511) >> 10 = 5.
    let s: EstimatorState = ESTIMATOR_START;
    for (let k = 1; k <= 60; k++) s = estimatorTick(s, 10 * k);
    expect(s.scaledCps).toBe(5117);
    expect(estimatorCps(s)).toBe(5);
    const at = (scaledCps: number) => estimatorCps({ scaledCps, lastConns: 0 });
    expect(at(5.5 * 1024)).toBe(5); // (5632 + 511) >> 10 = 5
    expect(at(5.5 * 1024 + 1)).toBe(6);
  });

  it('decays by a quarter per tick when the connections stop, the arithmetic shift reaching 0, never below', () => {
    let s: EstimatorState = { scaledCps: 5120, lastConns: 100 };
    const scaled: number[] = [];
    for (let k = 0; k < 4; k++) {
      s = estimatorTick(s, 100);
      scaled.push(s.scaledCps);
    }
    // 5120 − 1280 = 3840; − 960 = 2880; − 720 = 2160; − 540 = 1620.
    expect(scaled).toEqual([3840, 2880, 2160, 1620]);
    // A small remainder: 3 → floor(−3/4) = −1 → 2 → 1 → 0, then stays.
    s = { scaledCps: 3, lastConns: 0 };
    const tail = [1, 2, 3, 4].map(() => (s = estimatorTick(s, 0)).scaledCps);
    expect(tail).toEqual([2, 1, 0, 0]);
  });

  it('one burst of 3 connections reads 0 at every tick: under ½/s of average the kernel reports nothing', () => {
    // 3 << 9 = 1536 → cps 384 → read (384 + 511) >> 10 = 0; then it only decays.
    expect(reported([3, 3, 3, 3])).toEqual([0, 0, 0, 0]);
  });

  it('on the model clock, ticks at every multiple of 2 s on the counter as it stood then, however late it is read', () => {
    // Connections at 0.5, 1.5, 2.5, 3 and 5 s; the counter is advanced before each one is counted, and read at 9.9 s.
    const e = new KernelRateEstimator();
    let conns = 0;
    for (const t of [500, 1_500, 2_500, 3_000, 5_000]) {
      e.advance(t, conns);
      conns++;
    }
    e.advance(9_900, conns);
    // Ticks at 2, 4, 6 and 8 s saw 2, 4, 5 and 5: rates 1024, 1024, 512, 0; cps 1024 >> 2 = 256;
    // + (1024 − 256) >> 2 = 448; + (512 − 448) >> 2 = 464; + (0 − 464) >> 2 = 348, which reads 0.
    let s: EstimatorState = ESTIMATOR_START;
    for (const c of [2, 4, 5, 5]) s = estimatorTick(s, c);
    expect(s.scaledCps).toBe(348);
    expect(e.cps).toBe(estimatorCps(s));
    expect(e.cps).toBe(0);
  });
});
