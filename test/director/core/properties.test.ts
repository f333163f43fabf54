import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReceivedReport } from '../../../director/core/observation.js';
import { runCore, type Run } from '../../helpers/core-run.js';
import { report, threeServerConfig } from '../../helpers/director-fixtures.js';

const AGENTS = ['a1', 'a2', 'a3'] as const;

/** A random director configuration and 3 minutes of random reports, with agents that may fall silent. */
const scenario = fc.record({
  mode: fc.constantFrom('capacity', 'expression'),
  expression: fc.constantFrom('cpu_idle_pct * base_weight / 50', 'cpu_idle_pct > 30 ? base_weight : 0', 'max(0, 300 - run_queue_per_core * 100)', 'cpu_idle_pct - 50'),
  referenceWeight: fc.integer({ min: 20, max: 400 }),
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

function config(s: Scenario) {
  return threeServerConfig(
    {
      mode: s.mode,
      expression: s.mode === 'expression' ? s.expression : undefined,
      referenceWeight: s.referenceWeight,
      minWeight: s.minWeight,
      maxWeight: s.minWeight + s.span,
      stalePolicy: s.stalePolicy,
      damping: { deadband: s.deadband, maxStep: s.maxStep, minInterval: s.minInterval },
      fallback: { after: 4, recoverAfter: 6 },
      ...(s.sorry ? { sorryServers: [{ address: '10.0.9.1' }] } : {}),
    },
    { smoothing: { timeConstant: s.tau, blackout: 4 } },
  );
}

/** The agent's sample for report `i`: idle %, connection rate, and whether it misses this report. */
function sample(s: Scenario, agent: number, i: number): { idle: number; rate: number; silent: boolean } {
  const [rawIdle, rate, silent] = s.series[agent]![i % 90]!;
  const idle = s.storm && i >= 30 && i < 60 ? rawIdle % 4 : rawIdle;
  // silent 0..2 of 10: the agent misses this report (long runs of misses make it stale).
  return { idle, rate, silent: silent < 3 };
}

/** Every agent reports every 2 s (with misses between 40 s and 120 s). */
function every2s(s: Scenario) {
  return (t: number): ReceivedReport[] => {
    if (t % 2_000 !== 0) return [];
    const i = t / 2_000;
    return AGENTS.flatMap((a, k) => {
      const { idle, rate, silent } = sample(s, k, i);
      if (silent && i > 20 && i < 60) return [];
      return [report(a, t, { cpu_idle_pct: idle, cpu_util_pct: 100 - idle, tcp_passive_opens_per_s: rate, run_queue_per_core: (100 - idle) / 40 })];
    });
  };
}

/**
 * The damping rules as documented, computed from the configured percentages (not by the code under test): a step is
 * at most max(1, ⌊maxStep % × max(current, referenceWeight)⌋), and nothing is written unless the target is at least
 * max(1, deadband % × current) away.
 */
const stepLimit = (s: Scenario, current: number): number => Math.max(1, Math.floor((s.maxStep * Math.max(current, s.referenceWeight)) / 100));
const deadband = (s: Scenario, current: number): number => Math.max(1, (s.deadband * current) / 100);
/**
 * Where a realignment puts a law's target: the nearest rung of the reference weight times powers of 1 + deadband/2 %,
 * rounded, within the server's bounds. A hold (blackout, waiting, stale, an edit, an input missing) keeps its weight.
 */
const realignedTo = (s: Scenario, target: number, reason: string): number => {
  if (/^(agent blackout|waiting for the agent|agent stale|edited outside|weight kept)/.test(reason) || target <= 0 || s.deadband <= 0) return target;
  const ratio = 1 + s.deadband / 200;
  const rung = Math.round(s.referenceWeight * ratio ** Math.round(Math.log(target / s.referenceWeight) / Math.log(ratio)));
  return Math.min(s.minWeight + s.span, Math.max(s.minWeight, rung));
};

describe('decision core properties', () => {
  it('keeps weights within bounds, steps by the configured limit, honours the deadband, and never leaves a service without a destination', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const cfg = config(s);
        const svc = cfg.core.services[0]!;
        const run = runCore(cfg.core, { until: 180_000, reports: every2s(s) });
        const before = new Map<string, number>(svc.realServers.map((r) => [r.id, r.baseWeight]));
        // The smoothing window as documented: five time constants, a minute at least; its first decision realigns.
        const windowMs = Math.max(60_000, 5 * s.tau * 1_000);
        expect(cfg.core.smoothing.windowMs).toBe(windowMs);
        let prevNow = 0;
        for (const tick of run.ticks) {
          const realign = Math.floor(tick.now / windowMs) > Math.floor(prevNow / windowMs);
          prevNow = tick.now;
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
            expect(Math.abs(d.weight - prev)).toBeLessThanOrEqual(stepLimit(s, prev));
            if (d.weight !== prev && !kept) {
              expect(d.target).toBeDefined();
              const aim = realign ? realignedTo(s, d.target!, d.reason) : d.target!;
              const gap = Math.abs(aim - prev);
              if (!realign) expect(gap).toBeGreaterThanOrEqual(deadband(s, prev));
              // Not capped by slow start: the whole way, or exactly one full step of it.
              if (!d.reason.includes('slow start')) expect(Math.abs(d.weight - prev)).toBe(Math.min(gap, stepLimit(s, prev)));
            }
            // At a realignment a weight the deadband held takes its target's rung, step-limited (unless something else caps it).
            const aim = realign && d.target !== undefined ? realignedTo(s, d.target, d.reason) : d.target;
            if (realign && !kept && aim !== undefined && aim !== prev && Math.abs(aim - prev) < deadband(s, prev) && !/slow start|deadband|next write|kept|held/.test(d.reason)) {
              const gap = aim - prev;
              expect(d.weight, d.reason).toBe(prev + Math.sign(gap) * Math.min(Math.abs(gap), stepLimit(s, prev)));
            }
            expect(d.weightBefore).toBe(prev);
            before.set(d.destId, d.weight);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

/**
 * Reports every second from each agent (a little before the second, by a per-report jitter), for a director that
 * decides every 2 s: each decision sees up to two reports of each agent. a2 falls silent from 50 s to 66 s (stale, then
 * back) and others miss reports at random.
 */
function timeline(s: Scenario): ReceivedReport[] {
  const out: ReceivedReport[] = [];
  for (let i = 1; i <= 120; i++) {
    AGENTS.forEach((a, k) => {
      const { idle, rate, silent } = sample(s, k, i);
      if ((silent && i > 30) || (a === 'a2' && i >= 50 && i < 66)) return;
      const at = i * 1_000 - ((idle * 7 + rate) % 900);
      out.push(report(a, at, { cpu_idle_pct: idle, cpu_util_pct: 100 - idle, tcp_passive_opens_per_s: rate, established: (rate * i) % 300, run_queue_per_core: (100 - idle) / 40 }, 1_000));
    });
  }
  return out.sort((x, y) => x.receivedAt - y.receivedAt);
}

const TICK_MS = 2_000;
/** The decision that first sees a report: the first tick at or after its arrival. */
const tickOf = (r: ReceivedReport): number => Math.ceil(r.receivedAt / TICK_MS) * TICK_MS;

/** What each decision is handed: the tick's reports in the order `order` puts them. */
function deliveries(reports: readonly ReceivedReport[], order: (tick: number, rs: ReceivedReport[]) => ReceivedReport[] = (_t, rs) => rs, tickFor = tickOf) {
  const byTick = new Map<number, ReceivedReport[]>();
  for (const r of reports) byTick.set(tickFor(r), [...(byTick.get(tickFor(r)) ?? []), r]);
  return (t: number): ReceivedReport[] => order(t, [...(byTick.get(t) ?? [])]);
}

/** A real permutation of a tick's reports: each report goes where its random key sorts it. */
function permute(keys: readonly (readonly number[])[]) {
  return (t: number, rs: ReceivedReport[]): ReceivedReport[] => {
    const k = keys[(t / TICK_MS) % keys.length]!;
    return rs.map((r, i) => ({ r, key: k[i % k.length]!, i })).sort((x, y) => x.key - y.key || x.i - y.i).map((x) => x.r);
  };
}

const decisionsOf = (run: Run) => run.ticks.map((k) => ({ now: k.now, dests: k.dests, services: k.services }));
const drive = (s: Scenario, reports: (t: number) => ReceivedReport[]) => runCore(config(s).core, { until: 130_000, tickMs: TICK_MS, reports });

describe('decision core and the order reports arrive in', () => {
  /** One random key per report position of a tick, for each tick. */
  const tickKeys = fc.array(fc.array(fc.nat({ max: 1_000 }), { minLength: 6, maxLength: 6 }), { minLength: 66, maxLength: 66 });

  it('decides identically in two directors fed the same reports, whatever order each tick’s reports arrive in', () => {
    fc.assert(
      fc.property(scenario, tickKeys, (s, keys) => {
        const reports = timeline(s);
        const inOrder = decisionsOf(drive(s, deliveries(reports)));
        expect(decisionsOf(drive(s, deliveries(reports, permute(keys))))).toEqual(inOrder);
        // Newest first: every agent's older report of a tick arrives after its newer one.
        expect(decisionsOf(drive(s, deliveries(reports, (_t, rs) => rs.reverse())))).toEqual(inOrder);
      }),
      { numRuns: 25 },
    );
  });

  it('ignores a report that arrives in a later decision than a newer report of the same agent', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.boolean(), { minLength: 400, maxLength: 400 }), (s, pick) => {
        const reports = timeline(s);
        // The older of an agent's two reports in a tick, when picked, reaches the core only at the next decision.
        const late = new Set(
          reports.filter((r, i) => pick[i % pick.length] && reports.some((n) => n.agentId === r.agentId && n.receivedAt > r.receivedAt && tickOf(n) === tickOf(r))),
        );
        fc.pre(late.size > 0);
        const delayed = decisionsOf(drive(s, deliveries(reports, undefined, (r) => tickOf(r) + (late.has(r) ? TICK_MS : 0))));
        const without = decisionsOf(drive(s, deliveries(reports.filter((r) => !late.has(r)))));
        expect(delayed).toEqual(without);
      }),
      { numRuns: 25 },
    );
  });
});
