import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance, dueInstants } from '../../../director/core/advance.js';
import type { DestDecision } from '../../../director/core/decisions.js';
import type { KernelView, ReceivedReport } from '../../../director/core/observation.js';
import { initialState } from '../../../director/core/step.js';
import type { CoreState } from '../../../director/core/state.js';
import type { DirectorConfig } from '../../../director/config/director-config.js';
import type { ReportMessage } from '../../../shared/protocol/messages.js';
import { threeServerConfig } from '../../helpers/director-fixtures.js';

// Two directors fed by the same agents must decide the same weights, bit for bit: decisions are a function of the
// reports' contents and their own times, on a wall-clock grid, not of arrival times, batching or tick phase.
const AGENTS = ['a1', 'a2', 'a3'] as const;
const DESTS = ['10.0.1.11:80', '10.0.1.12:80', '10.0.1.13:80'];
const SERVICE = 'tcp:10.0.0.1:80';
/** Wall-clock start of the runs (ms since the epoch), not on a grid instant. */
const T0 = 1_800_000_000_123;

const scenario = fc.record({
  mode: fc.constantFrom('capacity', 'expression'),
  expression: fc.constantFrom('cpu_idle_pct * base_weight / 50', 'cpu_idle_pct > 30 ? base_weight : 0', 'max(0, 300 - run_queue_per_core * 100)'),
  maxStep: fc.integer({ min: 5, max: 100 }),
  minInterval: fc.integer({ min: 0, max: 6 }),
  deadband: fc.integer({ min: 0, max: 15 }),
  stalePolicy: fc.constantFrom('configured', 'hold', 'quiesce'),
  sorry: fc.boolean(),
  /** Per agent: when in the first report interval it reports (agents are not in step with each other). */
  agentPhase: fc.array(fc.integer({ min: 0, max: 1_999 }), { minLength: 3, maxLength: 3 }),
  /** Per agent, per report: idle %, completed connections per s, established, silent (0..9, < 2 misses it). */
  series: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 9 })), { minLength: 60, maxLength: 60 }), { minLength: 3, maxLength: 3 }),
  /** Each director: its tick phase within the interval, tick jitter, network delays, and one stall. */
  directors: fc.array(
    fc.record({
      phase: fc.integer({ min: 500, max: 999 }),
      jitter: fc.integer({ min: 0, max: 300 }),
      delays: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 64, maxLength: 64 }),
      stallAt: fc.integer({ min: 10, max: 100 }),
      stallFor: fc.integer({ min: 0, max: 5 }),
    }),
    { minLength: 2, maxLength: 2 },
  ),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function config(s: Scenario): DirectorConfig {
  return threeServerConfig({
    mode: s.mode,
    expression: s.mode === 'expression' ? s.expression : undefined,
    stalePolicy: s.stalePolicy,
    damping: { deadband: s.deadband, maxStep: s.maxStep, minInterval: s.minInterval, slowStart: 20 },
    fallback: { after: 4, recoverAfter: 6 },
    ...(s.sorry ? { sorryServers: [{ address: '10.0.9.1' }] } : {}),
  }, { smoothing: { timeConstant: 4, blackout: 6 } });
}

/** Every report the agents send over 120 s: each agent every 2 s at its own phase, timed by its own (true) clock. */
function reportsOf(s: Scenario): ReceivedReport[] {
  const out: ReceivedReport[] = [];
  AGENTS.forEach((agentId, k) => {
    for (let i = 0; i < 60; i++) {
      const [idle, rate, est, miss] = s.series[k]![i]!;
      if (miss < 2 || (i >= 20 && i < 26 && k === 1)) continue; // a2 falls silent for 12 s: stale and back
      const ts = T0 + s.agentPhase[k]! + i * 2_000;
      const stat = (v: number) => ({ mean: v, min: v, max: v, n: 2 });
      const report: ReportMessage = {
        type: 'report',
        seq: i,
        ts,
        intervalMs: 2_000,
        metrics: { cpu_idle_pct: stat(idle), cpu_util_pct: stat(100 - idle), run_queue_per_core: stat((100 - idle) / 25), tcp_passive_opens_per_s: stat(rate), established: stat(est) },
        plugins: {},
      };
      out.push({ agentId, receivedAt: ts, report });
    }
  });
  return out;
}

interface Decided {
  /** Grid instant → the decisions taken for it. */
  readonly byInstant: Map<number, readonly DestDecision[]>;
}

/**
 * One director: receives each report after its own network delay, ticks at its own phase with jitter and one stall,
 * and carries a kernel table that takes its writes; `traffic` says whether it is the one carrying traffic (its
 * kernel counters move) or the backup (its counters stay 0).
 */
function runDirector(cfg: DirectorConfig, reports: readonly ReceivedReport[], d: Scenario['directors'][number], traffic: boolean): Decided {
  let state: CoreState = initialState(cfg.core, T0);
  const table = new Map(DESTS.map((id) => [id, 100]));
  const arrivals = reports.map((r, i) => ({ ...r, receivedAt: r.report.ts + d.delays[i % d.delays.length]! })).sort((x, y) => x.receivedAt - y.receivedAt);
  const byInstant = new Map<number, readonly DestDecision[]>();
  let next = 0;
  let tick = 0;
  for (let t = Math.ceil(T0 / 1_000) * 1_000 + d.phase; t < T0 + 125_000; t += 1_000) {
    tick++;
    if (tick >= d.stallAt && tick < d.stallAt + d.stallFor) continue; // a stalled event loop: these ticks never run
    const now = t + ((tick * 7919) % (d.jitter + 1));
    const batch: ReceivedReport[] = [];
    while (next < arrivals.length && arrivals[next]!.receivedAt <= now) batch.push(arrivals[next++]!);
    const kernel: KernelView = { services: { [SERVICE]: Object.fromEntries(DESTS.map((id) => [id, { weight: table.get(id)!, upper: 0, lower: 0, activeConns: traffic ? table.get(id)! : 0, inactiveConns: 0, cps: traffic ? table.get(id)! * 3 : 0 }])) } };
    const r = advance(cfg.core, state, { now, reports: batch, kernel });
    state = r.state;
    for (const s of r.steps) byInstant.set(s.state.decidedAt!, s.dests);
    for (const x of r.dests) if (x.changed && x.present) table.set(x.destId, x.weight);
  }
  return { byInstant };
}

describe('two directors fed by the same agents', () => {
  it('decide the same weights at every grid instant, whatever the arrival times, tick phases, stalls and which one carries traffic', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const cfg = config(s);
        const reports = reportsOf(s);
        const a = runDirector(cfg, reports, s.directors[0]!, true);
        const b = runDirector(cfg, reports, s.directors[1]!, false);
        const common = [...a.byInstant.keys()].filter((g) => b.byInstant.has(g));
        expect(common.length).toBeGreaterThan(100);
        for (const g of common) {
          const da = a.byInstant.get(g)!.map((x) => [x.destId, x.weight, x.target, x.upper, x.lower, x.reason]);
          const db = b.byInstant.get(g)!.map((x) => [x.destId, x.weight, x.target, x.upper, x.lower, x.reason]);
          expect(db, `instant ${g - T0} ms`).toEqual(da);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the weights actually move in both modes (the comparison above is not of two idle directors)', () => {
    const s = fc.sample(scenario, { numRuns: 1, seed: 7 })[0]!;
    for (const mode of ['capacity', 'expression'] as const) {
      const cfg = config({ ...s, mode, expression: 'cpu_idle_pct * base_weight / 50', minInterval: 0, deadband: 0 });
      const run = runDirector(cfg, reportsOf(s), s.directors[0]!, false);
      const weights = new Set([...run.byInstant.values()].flatMap((ds) => ds.map((x) => x.weight)));
      expect(weights.size, mode).toBeGreaterThan(3);
    }
  });
});

describe('the decision grid', () => {
  const d = threeServerConfig().core.decisions;
  it('settles 500 ms after each instant unless the config says otherwise', () => {
    expect(d.settleMs).toBe(500);
    expect(threeServerConfig({}, { settle: '1500ms' }).core.decisions.settleMs).toBe(1_500);
  });

  it('decides each instant once, at the settle time after it, and catches up missed instants in order', () => {
    expect(dueInstants(d, undefined, 10_499)).toEqual([9_000]);
    expect(dueInstants(d, undefined, 10_500)).toEqual([10_000]);
    expect(dueInstants(d, 10_000, 10_900)).toEqual([]);
    expect(dueInstants(d, 10_000, 13_700)).toEqual([11_000, 12_000, 13_000]);
    // After a stall longer than maxCatchUp intervals, the oldest missed instants are skipped.
    expect(dueInstants(d, 0, 100_600)).toHaveLength(d.maxCatchUp);
    expect(dueInstants(d, 0, 100_600).at(-1)).toBe(100_000);
  });

  it('a report counts at its own time; one from an agent whose clock is off beyond the limit counts at its arrival, said once', () => {
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct' });
    const msg = (ts: number, seq: number): ReportMessage => ({ type: 'report', seq, ts, intervalMs: 2_000, metrics: { cpu_idle_pct: { mean: 40, min: 40, max: 40, n: 2 } }, plugins: {} });
    let state = initialState(cfg.core, T0);
    // a1's clock is an hour behind: without the limit its reports would look an hour old (stale) to every director.
    const events: string[] = [];
    for (let i = 0; i < 20; i++) {
      const now = T0 + i * 1_000 + 600;
      const reports = i % 2 === 0 ? [{ agentId: 'a1', receivedAt: now - 100, report: msg(now - 100 - 3_600_000, i) }, { agentId: 'a2', receivedAt: now - 100, report: msg(now - 100, i) }] : [];
      const r = advance(cfg.core, state, { now, reports });
      state = r.state;
      events.push(...r.events.filter((e) => e.kind === 'clock-skew').map((e) => e.message));
    }
    expect(events).toHaveLength(1);
    expect(events[0]).toContain("agent a1's clock is -3600s off");
    expect(state.agents.a1!.phase).toBe('live');
    expect(state.agents.a2!.phase).toBe('live');
  });

  it('keeps a bounded number of reports waiting per agent, whatever it sends', () => {
    const cfg = threeServerConfig();
    const flood = Array.from({ length: 500 }, (_, i): ReceivedReport => ({ agentId: 'a1', receivedAt: T0, report: { type: 'report', seq: i, ts: T0 + 1_500, intervalMs: 2_000, metrics: {}, plugins: {} } }));
    const r = advance(cfg.core, initialState(cfg.core, T0), { now: T0, reports: flood });
    expect(r.state.pending.length).toBe(cfg.core.decisions.maxPendingPerAgent);
  });
});
