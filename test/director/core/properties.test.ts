import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadbandOf, maxStepOf } from '../../../director/core/damping.js';
import type { ReceivedReport } from '../../../director/core/observation.js';
import { runCore } from '../../helpers/core-run.js';
import { report, threeServerConfig } from '../../helpers/director-fixtures.js';

const AGENTS = ['a1', 'a2', 'a3'] as const;

/** A random director configuration and 3 minutes of random reports, with agents that may fall silent. */
const scenario = fc.record({
  mode: fc.constantFrom('capacity', 'expression'),
  expression: fc.constantFrom('cpu_idle_pct * base_weight / 50', 'cpu_idle_pct > 30 ? base_weight : 0', 'max(0, 300 - run_queue_per_core * 100)', 'cpu_idle_pct - 50'),
  deadband: fc.integer({ min: 0, max: 20 }),
  maxStep: fc.integer({ min: 1, max: 100 }),
  minInterval: fc.integer({ min: 0, max: 10 }),
  minWeight: fc.integer({ min: 0, max: 20 }),
  span: fc.integer({ min: 1, max: 500 }),
  stalePolicy: fc.constantFrom('configured', 'hold', 'quiesce'),
  sorry: fc.boolean(),
  tau: fc.constantFrom(0, 2, 10),
  /** Every agent near 100 % busy between 60 s and 120 s: the overload paths. */
  storm: fc.boolean(),
  // per agent, per 2 s report: [idle %, rate, silent?]
  series: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 9 })), { minLength: 90, maxLength: 90 }), { minLength: 3, maxLength: 3 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function setup(s: Scenario) {
  const cfg = threeServerConfig(
    {
      mode: s.mode,
      expression: s.mode === 'expression' ? s.expression : undefined,
      minWeight: s.minWeight,
      maxWeight: s.minWeight + s.span,
      stalePolicy: s.stalePolicy,
      damping: { deadband: s.deadband, maxStep: s.maxStep, minInterval: s.minInterval },
      fallback: { after: 4, recoverAfter: 6 },
      ...(s.sorry ? { sorryServers: [{ address: '10.0.9.1' }] } : {}),
    },
    { smoothing: { timeConstant: s.tau, blackout: 4 } },
  );
  const reports = (t: number): ReceivedReport[] => {
    if (t % 2_000 !== 0) return [];
    const i = t / 2_000;
    return AGENTS.flatMap((a, k) => {
      const [rawIdle, rate, silent] = s.series[k]![i] ?? [50, 100, 0];
      const idle = s.storm && i >= 30 && i < 60 ? rawIdle % 4 : rawIdle;
      // silent 0..2 of 10: the agent misses this report (long runs of misses make it stale).
      if (silent < 3 && i > 20 && i < 60) return [];
      return [report(a, t, { cpu_idle_pct: idle, cpu_util_pct: 100 - idle, tcp_passive_opens_per_s: rate, run_queue_per_core: (100 - idle) / 40 })];
    });
  };
  return { cfg, reports };
}

describe('decision core properties', () => {
  it('keeps weights within bounds, steps within the maximum, honours the deadband, and never leaves a service without a destination', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { cfg, reports } = setup(s);
        const svc = cfg.core.services[0]!;
        const run = runCore(cfg.core, { until: 180_000, reports });
        const before = new Map<string, number>(svc.realServers.map((r) => [r.id, r.baseWeight]));
        for (const tick of run.ticks) {
          const sorryIn = tick.services[0]!.sorryActive;
          expect(sorryIn || tick.dests.some((d) => d.weight > 0)).toBe(true);
          for (const d of tick.dests) {
            const rs = svc.realServers.find((r) => r.id === d.destId)!;
            const prev = before.get(d.destId)!;
            const kept = d.reason.includes(', kept at ');
            if (!kept) {
              expect(d.weight).toBeGreaterThanOrEqual(rs.minWeight);
              expect(d.weight).toBeLessThanOrEqual(rs.maxWeight);
            } else {
              expect(d.weight).toBe(Math.max(svc.fallback.keepWeight, d.weight === 0 ? 0 : d.weight));
            }
            expect(Math.abs(d.weight - prev)).toBeLessThanOrEqual(maxStepOf(prev, svc.referenceWeight, svc.damping));
            if (d.weight !== prev && !kept) {
              expect(d.target).toBeDefined();
              expect(Math.abs(d.target! - prev)).toBeGreaterThanOrEqual(deadbandOf(prev, svc.damping));
            }
            expect(d.weightBefore).toBe(prev);
            before.set(d.destId, d.weight);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('decides identically in two directors fed the same reports, whatever order the reports arrive in', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), (s, shuffleSeed) => {
        const { cfg, reports } = setup(s);
        const one = runCore(cfg.core, { until: 120_000, reports });
        const shuffled = (t: number): ReceivedReport[] => {
          const r = reports(t);
          const k = Math.abs(shuffleSeed + t) % Math.max(1, r.length);
          return [...r.slice(k), ...r.slice(0, k)];
        };
        const other = runCore(setup(s).cfg.core, { until: 120_000, reports: shuffled });
        expect(other.ticks.map((k) => k.dests)).toEqual(one.ticks.map((k) => k.dests));
        expect(other.ticks.map((k) => k.services)).toEqual(one.ticks.map((k) => k.services));
      }),
      { numRuns: 25 },
    );
  });
});
