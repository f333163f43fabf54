// The window of recent samples: bounded, and its summary is the mean/min/max of what was really sampled.
import { describe, expect, it } from 'vitest';
import { SampleWindow, summarize } from '../../agent/sample-window.js';

describe('SampleWindow', () => {
  it('keeps only the newest samples (nothing queues up)', () => {
    const w = new SampleWindow(3);
    for (let t = 1; t <= 5; t++) w.push({ t, metrics: { x: t } });
    expect(w.between(0, 10).map((s) => s.t)).toEqual([3, 4, 5]);
    expect(w.latest()?.t).toBe(5);
  });

  it('selects samples in (since, until]', () => {
    const w = new SampleWindow(10);
    for (let t = 1; t <= 6; t++) w.push({ t: t * 1000, metrics: {} });
    expect(w.between(2000, 4000).map((s) => s.t)).toEqual([3000, 4000]);
  });
});

describe('summarize', () => {
  it('gives mean, min, max and count per metric', () => {
    const s = summarize([
      { t: 1, metrics: { cpu_idle_pct: 40, mem_available_bytes: 1_000 } },
      { t: 2, metrics: { cpu_idle_pct: 60, mem_available_bytes: 3_000 } },
      { t: 3, metrics: { cpu_idle_pct: 80 } },
    ]);
    expect(s).toEqual({
      cpu_idle_pct: { mean: 60, min: 40, max: 80, n: 3 },
      mem_available_bytes: { mean: 2_000, min: 1_000, max: 3_000, n: 2 },
    });
  });

  it('does not count a missing value as zero, and skips non-finite values', () => {
    const s = summarize([
      { t: 1, metrics: { a: 10 } },
      { t: 2, metrics: { b: 5 } },
      { t: 3, metrics: { a: Number.NaN, b: Infinity } },
    ]);
    expect(s).toEqual({ a: { mean: 10, min: 10, max: 10, n: 1 }, b: { mean: 5, min: 5, max: 5, n: 1 } });
  });

  it('rounds to 1/1000 while keeping min ≤ mean ≤ max', () => {
    const s = summarize([{ t: 1, metrics: { x: 1 / 3 } }, { t: 2, metrics: { x: 1 / 3 } }, { t: 3, metrics: { x: 1 / 3 } }]);
    expect(s.x).toEqual({ mean: 0.333, min: 0.333, max: 0.333, n: 3 });
  });
});
