import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DestDecision } from '../../../director/core/decisions.js';
import type { KernelView, ReceivedReport } from '../../../director/core/observation.js';
import { runCore } from '../../helpers/core-run.js';
import { report, threeServerConfig } from '../../helpers/director-fixtures.js';

// A server lvs-feedback itself set to 0 (its agent stale and the policy quiesce, or its inputs saying 0) always comes
// back, within a bounded time, once its agent is live and its inputs allow a weight above 0.
const A = '10.0.1.11:80';
const DESTS = [A, '10.0.1.12:80', '10.0.1.13:80'];

const scenario = fc.record({
  mode: fc.constantFrom('capacity', 'expression'),
  /** How the director comes to set A to 0: its agent falls silent (stale, quiesce), or its input says 0. */
  cause: fc.constantFrom('stale', 'input'),
  // Steps and intervals that take the weight from 100 to 0 within the 120 s it is held there.
  maxStep: fc.integer({ min: 25, max: 100 }),
  deadband: fc.integer({ min: 0, max: 20 }),
  minInterval: fc.integer({ min: 0, max: 8 }),
  slowStart: fc.constantFrom(0, 10, 60, 300),
  blackout: fc.integer({ min: 0, max: 20 }),
  tau: fc.constantFrom(0, 2, 5),
  referenceWeight: fc.integer({ min: 50, max: 500 }),
  /** Others' utilisation (capacity mode), possibly all below the floor. */
  othersUtil: fc.integer({ min: 1, max: 95 }),
  /** A's CPU after it is allowed back (other work may keep it busy). */
  backUtil: fc.integer({ min: 1, max: 69 }),
  rate: fc.integer({ min: 0, max: 300 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const ZERO_FROM = 40_000;
const BACK_AT = 160_000;

function config(s: Scenario) {
  // Capacity mode's penalty and expression mode's law both say 0 while idle ≤ 30 %.
  const expression = s.mode === 'capacity' ? 'cpu_idle_pct > 30 ? 1 : 0' : 'cpu_idle_pct > 30 ? base_weight : 0';
  return threeServerConfig(
    { mode: s.mode, expression, referenceWeight: s.referenceWeight, stalePolicy: 'quiesce', damping: { maxStep: s.maxStep, deadband: s.deadband, minInterval: s.minInterval, slowStart: s.slowStart } },
    { smoothing: { timeConstant: s.tau, blackout: s.blackout } },
  );
}

function reports(s: Scenario) {
  return (t: number): ReceivedReport[] => {
    if (t % 2_000 !== 0) return [];
    return ['a1', 'a2', 'a3'].flatMap((a) => {
      const mine = a === 'a1';
      if (mine && s.cause === 'stale' && t >= ZERO_FROM && t < BACK_AT) return [];
      const util = mine ? (t >= ZERO_FROM && t < BACK_AT ? 100 : s.backUtil) : s.othersUtil;
      return [report(a, t, { cpu_util_pct: util, cpu_idle_pct: 100 - util, tcp_passive_opens_per_s: mine && t >= ZERO_FROM ? 0 : s.rate })];
    });
  };
}

/** A kernel that takes every write: the only hand on the weights is lvs-feedback's. */
function kernel(_t: number, weights: ReadonlyMap<string, number>, last: readonly DestDecision[]): KernelView {
  const th = new Map(last.map((d) => [d.destId, d]));
  return { services: { 'tcp:10.0.0.1:80': Object.fromEntries(DESTS.map((id) => [id, { weight: weights.get(id) ?? 100, upper: th.get(id)?.upper ?? 0, lower: th.get(id)?.lower ?? 0, cps: 0 }])) } };
}

describe('a way back from 0', () => {
  it('a server at 0 by lvs-feedback’s own decision returns within blackout + write interval + smoothing once its inputs allow', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const cfg = config(s);
        const run = runCore(cfg.core, { until: 440_000, reports: reports(s), kernel });
        const weights = run.ticks.map((k) => [k.now, k.dests.find((d) => d.destId === A)!] as const);
        const zeroed = weights.filter(([t, d]) => t >= ZERO_FROM && t < BACK_AT && d.weight === 0);
        expect(zeroed.length, 'the director set it to 0').toBeGreaterThan(0);
        // Inputs allow from BACK_AT: the agent reports again (blackout) and its smoothed idle crosses 30 % within 3 τ.
        const bound = BACK_AT + s.blackout * 1_000 + s.minInterval * 1_000 + 3 * s.tau * 1_000 + 4_000;
        const back = weights.find(([t, d]) => t >= BACK_AT && d.weight > 0);
        expect(back, `never back from 0: ${weights.at(-1)![1].reason}`).toBeDefined();
        expect(back![0]).toBeLessThanOrEqual(bound);
        // …and it stays back while nothing changes.
        expect(weights.filter(([t]) => t >= bound).every(([, d]) => d.weight > 0)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
