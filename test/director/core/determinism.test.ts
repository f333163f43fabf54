import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance, dueInstants } from '../../../director/core/advance.js';
import type { ReceivedReport } from '../../../director/core/observation.js';
import { initialState } from '../../../director/core/step.js';
import type { ReportMessage } from '../../../shared/protocol/messages.js';
import { T0, config, reportsOf, runDirector, scenario } from '../../helpers/core-directors.js';
import { threeServerConfig } from '../../helpers/director-fixtures.js';

// Two directors fed by the same agents must decide the same weights, bit for bit: decisions are a function of the
// reports' contents and their own times, on a wall-clock grid, not of arrival times, batching or tick phase.
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

  it('an agent whose clock flips across the limit at every report is said at most once per clockNoticeQuietMs, and where it ends is said', () => {
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct' });
    const quiet = cfg.core.decisions.clockNoticeQuietMs;
    const msg = (ts: number, seq: number): ReportMessage => ({ type: 'report', seq, ts, intervalMs: 1_000, metrics: { cpu_idle_pct: { mean: 40, min: 40, max: 40, n: 1 } }, plugins: {} });
    let state = initialState(cfg.core, T0);
    const said: { at: number; message: string }[] = [];
    const minutes = 5;
    for (let i = 0; i < (minutes * 60_000) / 1_000 + 90; i++) {
      const now = T0 + i * 1_000 + 600;
      // An hour off on every other report for five minutes, then right for good.
      const off = i < (minutes * 60_000) / 1_000 && i % 2 === 0 ? 3_600_000 : 0;
      const r = advance(cfg.core, state, { now, reports: [{ agentId: 'a1', receivedAt: now - 100, report: msg(now - 100 - off, i) }] });
      state = r.state;
      said.push(...r.events.filter((e) => e.kind === 'clock-skew').map((e) => ({ at: now, message: e.message })));
    }
    expect(said.length).toBeLessThanOrEqual(minutes * (60_000 / quiet) + 2);
    said.forEach((s, i) => i > 0 && expect(s.at - said[i - 1]!.at).toBeGreaterThanOrEqual(quiet - 1_000));
    expect(said.at(-1)!.message).toContain('agrees with this director');
  });

  it('keeps a bounded number of reports waiting per agent, whatever it sends', () => {
    const cfg = threeServerConfig();
    const flood = Array.from({ length: 500 }, (_, i): ReceivedReport => ({ agentId: 'a1', receivedAt: T0, report: { type: 'report', seq: i, ts: T0 + 1_500, intervalMs: 2_000, metrics: {}, plugins: {} } }));
    const r = advance(cfg.core, initialState(cfg.core, T0), { now: T0, reports: flood });
    expect(r.state.pending.length).toBe(cfg.core.decisions.maxPendingPerAgent);
  });
});
