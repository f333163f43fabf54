import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T0, config, reportsOf, runDirector, scenario } from '../../helpers/core-directors.js';

// Two directors whose histories differ — one started later, one lost a few reports — must decide the same weights
// again, bit for bit, within a bounded time once they receive the same reports: nothing in the core's state may keep
// a difference forever (the deadband, a smoothed mean, the time of the last write).
const REPORTS = 120; // 240 s of reports, one every 2 s per agent
/** In the fixture: time constant 4 s, blackout 6 s, slow start 20 s; here a smoothing window of 20 s. */
const WINDOW_MS = 20_000;

const histories = fc.record({
  base: scenario,
  /** Per agent: a steady load (idle %, completed connections per s, established), small noise on it (where a deadband holds), one report in 19 missed. */
  levels: fc.array(fc.tuple(fc.integer({ min: 10, max: 90 }), fc.integer({ min: 20, max: 400 }), fc.integer({ min: 0, max: 300 })), { minLength: 3, maxLength: 3 }),
  noise: fc.array(fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 18 })), { minLength: REPORTS, maxLength: REPORTS }), { minLength: 3, maxLength: 3 }),
  maxStep: fc.integer({ min: 20, max: 100 }),
  minInterval: fc.integer({ min: 0, max: 2 }),
  /** How much later the second director starts. */
  joinAfterMs: fc.integer({ min: 0, max: 30_000 }),
  /** Reports the second director never receives (indices into the first 90 of the list: the first 60 s or so). */
  lost: fc.uniqueArray(fc.integer({ min: 0, max: 89 }), { maxLength: 4 }),
});

describe('two directors whose histories differ', () => {
  it('decide the same weights again once they have received the same reports for three smoothing windows', () => {
    fc.assert(
      fc.property(histories, (h) => {
        const series = h.noise.map((n, k) => n.map(([di, dr, miss]): [number, number, number, number] => [h.levels[k]![0] + di, Math.max(0, h.levels[k]![1] + dr), h.levels[k]![2], miss === 18 ? 0 : 9]));
        const s = { ...h.base, series, maxStep: h.maxStep, minInterval: h.minInterval };
        const cfg = config(s, { smoothing: { timeConstant: 4, blackout: 6, window: '20s' } });
        expect(cfg.core.smoothing.windowMs).toBe(WINDOW_MS);
        const reports = reportsOf(s);
        // Lost: for each drawn i, agent i mod 3's report number ⌊i / 3⌋ (within its first 30, the first minute or so).
        const indexOf = (agent: string, n: number) => reports.map((r, k) => [r, k] as const).filter(([r]) => r.agentId === agent)[n]?.[1];
        const lost = new Set(h.lost.flatMap((i) => indexOf(`a${(i % 3) + 1}`, Math.floor(i / 3)) ?? []));
        const a = runDirector(cfg, reports, s.directors[0]!, true);
        const b = runDirector(cfg, reports, s.directors[1]!, false, { startAt: T0 + h.joinAfterMs, lost });
        const lastDifference = Math.max(T0 + h.joinAfterMs, ...[...lost].map((i) => reports[i]!.report.ts));
        // a2 is silent from 40 s to 52 s in the fixture; its return ramp (20 s) may start from different weights.
        const from = Math.max(lastDifference + 6_000, T0 + 52_000 + 20_000) + 3 * WINDOW_MS;
        const common = [...a.byInstant.keys()].filter((g) => g >= from && b.byInstant.has(g));
        expect(common.length).toBeGreaterThan(60);
        for (const g of common) {
          const da = a.byInstant.get(g)!.map((x) => [x.destId, x.weight, x.target]);
          const db = b.byInstant.get(g)!.map((x) => [x.destId, x.weight, x.target]);
          expect(db, `instant ${g - T0} ms (joined ${h.joinAfterMs} ms late, lost ${lost.size})`).toEqual(da);
        }
      }),
      { numRuns: 40 },
    );
  });
});
