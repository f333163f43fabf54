import { describe, expect, it } from 'vitest';
import type { KernelView, ReceivedReport } from '../../../director/core/observation.js';
import { runCore, type Run } from '../../helpers/core-run.js';
import { report, threeServerConfig, TOKEN } from '../../helpers/director-fixtures.js';

const A = '10.0.1.11:80';
const B = '10.0.1.12:80';
const C = '10.0.1.13:80';
const AGENT_OF: Record<string, string> = { [A]: 'a1', [B]: 'a2', [C]: 'a3' };

/** Every agent reports every 2 s (at even seconds) unless `silent(agent, t)`. */
function every2s(metrics: (agent: string, t: number) => Record<string, number>, silent: (agent: string, t: number) => boolean = () => false) {
  return (t: number): ReceivedReport[] =>
    t % 2_000 === 0 ? ['a1', 'a2', 'a3'].filter((a) => !silent(a, t)).map((a) => report(a, t, metrics(a, t))) : [];
}

describe('blackout', () => {
  it('holds a new agent’s weight for the blackout, then moves it', () => {
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct' });
    const run = runCore(cfg.core, { until: 30_000, reports: every2s((a) => ({ cpu_idle_pct: a === 'a1' ? 40 : 100 })) });
    for (let t = 0; t < 10_000; t += 1_000) expect(run.weightAt(A, t)).toBe(100);
    const blackout = run.ticks[5]!.dests.find((d) => d.destId === A)!;
    expect(blackout.reason).toBe('agent blackout, 5s left');
    expect(run.weightAt(A, 10_000)).toBe(75);
    expect(run.weightAt(A, 30_000)).toBe(40);
    expect(run.weightAt(B, 30_000)).toBe(100);
    expect(run.events('agent-live').map((e) => e.agentId)).toEqual(['a1', 'a2', 'a3']);
  });
});

describe('deadband', () => {
  it('writes nothing until the target is at least deadband % of the current weight away', () => {
    // A smoothing window past the run: no realignment in it (see the next test).
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct', damping: { deadband: 10, maxStep: 100, minInterval: 0 } }, { smoothing: { timeConstant: 0, window: '10m' } });
    // a1's target: 95 (5 from 100: held), 90 (10 from 100: written), 82 (8 from 90: held), 81 (9 from 90: written).
    const idle = (t: number) => (t < 30_000 ? 95 : t < 50_000 ? 90 : t < 70_000 ? 82 : 81);
    const run = runCore(cfg.core, { until: 80_000, reports: every2s((a, t) => ({ cpu_idle_pct: a === 'a1' ? idle(t) : 100 })) });
    const at = (t: number) => run.ticks.find((k) => k.now === t)!.dests.find((d) => d.destId === A)!;
    expect(at(20_000)).toMatchObject({ weight: 100, target: 95, changed: false });
    expect(at(20_000).reason).toContain('within deadband of 95');
    expect(run.weightAt(A, 29_000)).toBe(100);
    expect(at(30_000)).toMatchObject({ weight: 90, changed: true });
    expect(run.weightAt(A, 69_000)).toBe(90);
    expect(at(60_000).reason).toContain('within deadband of 82');
    expect(run.weightAt(A, 70_000)).toBe(81);
  });

  it('sets the deadband aside once at the start of each smoothing window: a held weight takes its target’s rung', () => {
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct', damping: { deadband: 10, maxStep: 100, minInterval: 5 } }, { smoothing: { timeConstant: 0, window: '30s' } });
    expect(cfg.core.smoothing.windowMs).toBe(30_000);
    // a1's target 92 from the start: held by the deadband until the window that starts at 30 s, then the nearest rung
    // of 100 × 1.05^k (91) for good.
    const run = runCore(cfg.core, { until: 100_000, reports: every2s((a) => ({ cpu_idle_pct: a === 'a1' ? 92 : 100 })) });
    const at = (t: number) => run.ticks.find((k) => k.now === t)!.dests.find((d) => d.destId === A)!;
    expect(run.weightAt(A, 29_000)).toBe(100);
    expect(at(30_000)).toMatchObject({ weight: 91, changed: true });
    expect(at(30_000).reason).toContain('realigned at the start of a smoothing window (rung 91 of 92)');
    expect(run.ticks.filter((k) => k.now > 30_000).flatMap((k) => k.dests.filter((d) => d.destId === A && d.changed))).toEqual([]);
  });

  it('costs no write at a realignment while the target wanders within the rung of the weight', () => {
    // a1's target wanders 98 ↔ 102 from one window to the next: the rung of 100 all along, so 100 stays, window after window.
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct', damping: { deadband: 10, maxStep: 100, minInterval: 5 } }, { smoothing: { timeConstant: 0, window: '30s' } });
    const run = runCore(cfg.core, { until: 300_000, reports: every2s((a, t) => ({ cpu_idle_pct: a === 'a1' ? (Math.floor(t / 30_000) % 2 === 0 ? 98 : 102) : 100 })) });
    expect(run.ticks.flatMap((k) => k.dests.filter((d) => d.destId === A && d.changed))).toEqual([]);
    expect(run.weightAt(A, 299_000)).toBe(100);
  });
});

describe('step limit', () => {
  it('moves at most maxStep % of the larger of the current and the reference weight per write', () => {
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct * 4', damping: { deadband: 0, maxStep: 10, minInterval: 0 } }, { smoothing: { timeConstant: 0 } });
    // a1 heads for 40 and a2 for 400 from 100 (reference weight 100), live from 10 s, one write a second.
    const run = runCore(cfg.core, { until: 20_000, reports: every2s((a) => ({ cpu_idle_pct: a === 'a1' ? 10 : a === 'a2' ? 100 : 25 })) });
    const series = (d: string) => [9_000, 10_000, 11_000, 12_000, 13_000, 14_000, 15_000, 16_000].map((t) => run.weightAt(d, t));
    // Below the reference weight every step is 10 % of 100; above it 10 % of the current weight, rounded down.
    expect(series(A)).toEqual([100, 90, 80, 70, 60, 50, 40, 40]);
    expect(series(B)).toEqual([100, 110, 121, 133, 146, 160, 176, 193]);
    expect(series(C)).toEqual([100, 100, 100, 100, 100, 100, 100, 100]);
    expect(run.ticks.find((k) => k.now === 10_000)!.dests.find((d) => d.destId === B)!.reason).toBe('cpu_idle_pct 100 → 400; step limited from 400');
  });
});

describe('slow start', () => {
  it('ramps a server leaving weight 0 from 10 % of its target over 60 s, not at once', () => {
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct > 20 ? 200 : 0', damping: { maxStep: 100, minInterval: 0, deadband: 5 } }, { smoothing: { timeConstant: 0 } });
    const run = runCore(cfg.core, { until: 130_000, reports: every2s((a, t) => ({ cpu_idle_pct: a === 'a1' && t < 30_000 ? 10 : 90 })) });
    expect(run.weightAt(A, 29_000)).toBe(0);
    const w30 = run.weightAt(A, 30_000);
    expect(w30).toBe(20);
    const w60 = run.weightAt(A, 60_000);
    expect(w60).toBeGreaterThanOrEqual(105);
    expect(w60).toBeLessThanOrEqual(115);
    expect(run.weightAt(A, 89_000)).toBeLessThan(200);
    // The ramp ends at 90 s within the 5 % deadband of the target.
    expect(run.weightAt(A, 90_000)).toBeGreaterThanOrEqual(190);
  });
});

describe('stale agents', () => {
  const base = { mode: 'expression', expression: 'cpu_idle_pct', damping: { minInterval: 0, deadband: 5 } };
  const silentBetween = (from: number, to: number) => (a: string, t: number) => a === 'a1' && t >= from && t < to;
  const metrics = () => ({ cpu_idle_pct: 20 });

  it('holds a stale agent’s weight for staleHold, then moves it to the configured weight', () => {
    // The default staleHold of 3 min: an agent silent from 60 s keeps its weight 20 until 58 s + 180 s, then 100.
    const cfg = threeServerConfig(base);
    expect(cfg.core.services[0]!.staleHoldMs).toBe(180_000);
    const run = runCore(cfg.core, { until: 260_000, reports: every2s(metrics, silentBetween(60_000, 1e9)) });
    expect(run.events('agent-stale').map((e) => e.agentId)).toEqual(['a1']);
    expect(run.weightAt(A, 64_000)).toBe(20);
    expect(run.weightAt(A, 237_000)).toBe(20);
    expect(run.ticks.find((k) => k.now === 100_000)!.dests.find((d) => d.destId === A)!.reason).toBe('agent stale (no report for 42s): weight held, back to configured weight 100 after 180s');
    expect(run.weightAt(A, 238_000)).toBe(45);
    expect(run.weightAt(A, 250_000)).toBe(100);
  });

  it('moves a stale agent’s server, damped, back to its configured weight, then slow-starts it on return', () => {
    const cfg = threeServerConfig({ ...base, staleHold: 0 });
    const run = runCore(cfg.core, { until: 160_000, reports: every2s(metrics, silentBetween(60_000, 100_000)) });
    expect(run.weightAt(A, 59_000)).toBe(20);
    // last report at 58 s; stale after 3 intervals (6 s) → 64 s.
    expect(run.weightAt(A, 63_000)).toBe(20);
    expect(run.events('agent-stale').map((e) => e.agentId)).toEqual(['a1']);
    expect(run.weightAt(A, 64_000)).toBe(45);
    expect(run.weightAt(A, 67_000)).toBe(100);
    expect(run.ticks.find((k) => k.now === 70_000)!.dests.find((d) => d.destId === A)!.reason).toMatch(/^agent stale \(no report for 12s\): back to configured weight 100/);
    // returns at 100 s: blackout until 110 s holds 100, then down again towards 20.
    expect(run.weightAt(A, 109_000)).toBe(100);
    expect(run.weightAt(A, 110_000)).toBe(75);
    expect(run.weightAt(A, 160_000)).toBe(20);
    expect(run.weightAt(B, 160_000)).toBe(20);
  });

  it('holds or quiesces as the service’s policy says', () => {
    const hold = runCore(threeServerConfig({ ...base, stalePolicy: 'hold' }).core, { until: 90_000, reports: every2s(metrics, silentBetween(60_000, 1e9)) });
    expect(hold.weightAt(A, 90_000)).toBe(20);
    const quiesce = runCore(threeServerConfig({ ...base, stalePolicy: 'quiesce' }).core, { until: 90_000, reports: every2s(metrics, silentBetween(60_000, 1e9)) });
    expect(quiesce.weightAt(A, 64_000)).toBe(0);
    expect(quiesce.weightAt(B, 90_000)).toBe(20);
  });
});

describe('overload fallback', () => {
  const sorry = [{ address: '10.0.9.1', weight: 1 }];
  const instant = { smoothing: { timeConstant: 0 } };
  const law = { mode: 'expression', expression: 'cpu_idle_pct > 10 ? base_weight : 0', damping: { minInterval: 0, maxStep: 100 }, fallback: { after: 10, recoverAfter: 30, recoverCount: 2 } };

  it('brings in the sorry server after every server is overloaded for `after`, and out only after enough recover for `recoverAfter`', () => {
    const cfg = threeServerConfig({ ...law, sorryServers: sorry }, instant);
    // all busy from 20 s to 60 s; a1 and a2 recover at 60 s; a3 stays busy.
    const idle = (a: string, t: number) => ({ cpu_idle_pct: t >= 20_000 && (t < 60_000 || a === 'a3') ? 2 : 50 });
    const run = runCore(cfg.core, { until: 120_000, reports: every2s(idle) });
    const sorryAt = (t: number) => run.ticks.find((k) => k.now === t)!.services[0]!.sorryActive;
    expect(sorryAt(29_000)).toBe(false);
    expect(sorryAt(30_000)).toBe(true);
    expect(run.ticks.find((k) => k.now === 30_000)!.services[0]!.sorryServers.map((s) => s.id)).toEqual(['10.0.9.1:80']);
    expect(run.weightAt(A, 40_000)).toBe(0);
    // Between every weight reaching 0 (20 s) and the sorry server (30 s), one server bridges the gap.
    expect(run.ticks.filter((k) => k.now >= 20_000 && k.now < 30_000).every((k) => k.dests.some((d) => d.weight > 0))).toBe(true);
    // recovery seen at 60 s; hysteresis holds the sorry server until 90 s.
    expect(sorryAt(89_000)).toBe(true);
    expect(sorryAt(90_000)).toBe(false);
    expect(run.events('sorry-on')).toHaveLength(1);
    expect(run.events('sorry-off')).toHaveLength(1);
    expect(run.events('alarm')).toHaveLength(0);
  });

  it('without a sorry server keeps the least-loaded server at the minimum weight and raises the alarm once', () => {
    const cfg = threeServerConfig(law, instant);
    const idle = (a: string, t: number) => ({ cpu_idle_pct: t >= 20_000 ? (a === 'a2' ? 8 : 3) : 50, cpu_util_pct: t >= 20_000 ? (a === 'a2' ? 92 : 97) : 50 });
    const run = runCore(cfg.core, { until: 80_000, reports: every2s(idle) });
    for (const k of run.ticks) expect(k.dests.some((d) => d.weight > 0)).toBe(true);
    expect(run.weightAt(B, 80_000)).toBe(1);
    expect(run.weightAt(A, 80_000)).toBe(0);
    expect(run.events('alarm')).toHaveLength(1);
    expect(run.events('alarm')[0]!.message).toContain('keeping 1 least-loaded at weight 1');
  });
});

describe('thresholds from a metric', () => {
  /** a1's server takes its upper threshold from the plugin metric conn_limit; a2's is configured only. */
  const cfg = threeServerConfig(
    {
      mode: 'expression',
      expression: 'base_weight',
      realServers: [
        { address: '10.0.1.11', agent: 'a1', upperThreshold: 500, lowerThreshold: 250, upperThresholdFrom: 'conn_limit' },
        { address: '10.0.1.12', agent: 'a2', upperThreshold: 500, lowerThreshold: 250 },
        { address: '10.0.1.13', agent: 'a3' },
      ],
    },
    { pluginMetrics: ['conn_limit'], smoothing: { timeConstant: 0 } },
  );
  const decisionAt = (run: Run, t: number, d: string) => run.ticks.find((k) => k.now === t)!.dests.find((x) => x.destId === d)!;

  it('sets the upper threshold from the metric’s value, keeps the lower below it, and rewrites it only past the deadband', () => {
    // conn_limit 200 until 30 s, 210 (within the 10 % deadband of 200) until 50 s, then 300.
    const limit = (t: number) => (t < 30_000 ? 200 : t < 50_000 ? 210 : 300);
    const run = runCore(cfg.core, { until: 60_000, reports: every2s((_a, t) => ({ cpu_idle_pct: 50, conn_limit: limit(t) })) });
    // The configured lower threshold 250 is not below 200: ⌊3/4 of upper⌋ instead.
    expect(decisionAt(run, 0, A)).toMatchObject({ upper: 200, lower: 150, weight: 100, changed: true });
    expect(decisionAt(run, 0, A).reason).toContain('upper threshold 200 from conn_limit');
    expect(decisionAt(run, 20_000, A)).toMatchObject({ upper: 200, lower: 150, changed: false });
    expect(decisionAt(run, 40_000, A)).toMatchObject({ upper: 200, lower: 150, changed: false });
    // The configured lower threshold 250 is below 300 again: it is used as it is.
    expect(decisionAt(run, 50_000, A)).toMatchObject({ upper: 300, lower: 250, changed: true });
    // A server without upperThresholdFrom keeps its configured thresholds whatever the agent reports.
    for (const t of [0, 40_000, 60_000]) expect(decisionAt(run, t, B)).toMatchObject({ upper: 500, lower: 250 });
  });

  it('uses the configured threshold while the metric is absent or below 1, and again once the agent stops sending it', () => {
    // No conn_limit until 20 s, 0 until 30 s, 120 until 40 s (last sent at 38 s), then none.
    const run = runCore(cfg.core, {
      until: 50_000,
      reports: every2s((_a, t) => ({ cpu_idle_pct: 50, ...(t >= 20_000 && t < 40_000 ? { conn_limit: t < 30_000 ? 0 : 120 } : {}) })),
    });
    expect(decisionAt(run, 10_000, A)).toMatchObject({ upper: 500, lower: 250, changed: false });
    expect(decisionAt(run, 10_000, A).reason).not.toContain('upper threshold');
    expect(decisionAt(run, 25_000, A)).toMatchObject({ upper: 500, lower: 250, changed: false });
    expect(decisionAt(run, 30_000, A)).toMatchObject({ upper: 120, lower: 90, changed: true });
    // Dropped once it is a stale time (6 s) old: at the report of 44 s.
    expect(decisionAt(run, 43_000, A)).toMatchObject({ upper: 120, lower: 90 });
    expect(decisionAt(run, 44_000, A)).toMatchObject({ upper: 500, lower: 250, changed: true });
    expect(decisionAt(run, 50_000, A)).toMatchObject({ upper: 500, lower: 250, weight: 100 });
  });
});

describe('the kernel’s table', () => {
  const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct', damping: { minInterval: 0 } });
  const reports = every2s(() => ({ cpu_idle_pct: 50 }));
  const table = (w: ReadonlyMap<string, number>, skip: string[] = [], override: Record<string, number> = {}): KernelView => ({
    services: { 'tcp:10.0.0.1:80': Object.fromEntries([A, B, C].filter((d) => !skip.includes(d)).map((d) => [d, { weight: override[d] ?? w.get(d)!, upper: 0, lower: 0 }])) },
  });

  it('adopts the kernel’s weights at start, so a restart causes no jump', () => {
    const run = runCore(cfg.core, { until: 9_000, reports, kernel: (_t, w) => table(w, [], { [A]: 57, [B]: 58, [C]: 59 }) });
    expect(run.ticks[0]!.dests.map((d) => [d.weight, d.changed])).toEqual([[57, false], [58, false], [59, false]]);
  });

  it('never re-adds a destination a health checker removed, and slow-starts it when it comes back', () => {
    const run = runCore(cfg.core, { until: 60_000, reports, kernel: (t, w) => table(w, t >= 30_000 && t < 40_000 ? [A] : [], t === 40_000 ? { [A]: 100 } : {}) });
    const at = (t: number) => run.ticks.find((k) => k.now === t)!.dests.find((d) => d.destId === A)!;
    expect(at(29_000).weight).toBe(50);
    expect(at(35_000)).toMatchObject({ present: false, changed: false });
    expect(run.events('dest-absent')).toHaveLength(1);
    expect(at(40_000)).toMatchObject({ present: true, weight: 5, changed: true });
    expect(at(40_000).reason).toContain('slow start from 5');
  });

  it('leaves a weight someone else set alone for the hold time, then resumes', () => {
    const run = runCore(cfg.core, { until: 345_000, reports, kernel: (t, w) => table(w, [], t === 40_000 ? { [A]: 90 } : {}) });
    expect(run.events('external-edit')).toHaveLength(1);
    expect(run.weightAt(A, 40_000)).toBe(90);
    expect(run.weightAt(A, 339_000)).toBe(90);
    expect(run.weightAt(A, 340_000)).toBe(65);
    expect(run.weightAt(A, 345_000)).toBe(50);
  });

  it('does not mistake a write that did not land for an edit by someone else', () => {
    // The kernel keeps the old weight 100 while the core asks for less: no external edit, the core retries.
    const run = runCore(cfg.core, { until: 30_000, reports, kernel: () => table(new Map(), [], { [A]: 100, [B]: 100, [C]: 100 }) });
    expect(run.events('external-edit')).toHaveLength(0);
    expect(run.ticks.at(-1)!.dests[0]!.changed).toBe(true);
  });
});

describe('capacity mode', () => {
  it('converges on weights proportional to true capacities 1:2:4 from equal weights', () => {
    const cfg = threeServerConfig({ damping: { minInterval: 2 } });
    const capacity: Record<string, number> = { a1: 100, a2: 200, a3: 400 };
    const total = 490; // connections per second: 70 % of the cluster
    const run = runCore(cfg.core, {
      until: 400_000,
      reports: (t, w) => {
        if (t % 2_000 !== 0) return [];
        const sum = [A, B, C].reduce((s, d) => s + (w.get(d) ?? 0), 0);
        return [A, B, C].map((d) => {
          const agent = AGENT_OF[d]!;
          const rate = (total * (w.get(d) ?? 0)) / sum;
          const util = Math.min(100, (100 * rate) / capacity[agent]!);
          return report(agent, t, { cpu_util_pct: util, cpu_idle_pct: 100 - util, tcp_passive_opens_per_s: rate });
        });
      },
    });
    const w = [A, B, C].map((d) => run.weightAt(d, 400_000));
    expect(w[1]! / w[0]!).toBeGreaterThan(1.8);
    expect(w[1]! / w[0]!).toBeLessThan(2.2);
    expect(w[2]! / w[0]!).toBeGreaterThan(3.6);
    expect(w[2]! / w[0]!).toBeLessThan(4.4);
    const last = run.ticks.at(-1)!.dests[0]!;
    expect(last.reason).toMatch(/^capacity \d+\/s = [\d.]+\/s ÷ [\d.]+% util, share [\d.]+ of mean/);
  });
});

describe('the connection rate behind a capacity estimate', () => {
  it('counts the connections a server completes, not those it accepts while its queue grows', () => {
    const cfg = threeServerConfig({}, { smoothing: { timeConstant: 0 } });
    // a1 accepts 100/s but its established connections grow by 20 per 2 s report: it completes 90/s.
    const run = runCore(cfg.core, {
      until: 20_000,
      reports: every2s((a, t) => ({ cpu_util_pct: 50, tcp_passive_opens_per_s: 100, established: a === 'a1' ? 10 * (t / 1_000) : 10 })),
    });
    const reasons = run.ticks.at(-1)!.dests.map((d) => d.reason);
    expect(reasons[0]).toMatch(/^capacity 180\/s = 90\/s ÷ 50% util/);
    expect(reasons[1]).toMatch(/^capacity 200\/s = 100\/s ÷ 50% util/);
  });
});

describe('a state kept across a config change', () => {
  it('starts a real server the state does not know yet as at start-up, and carries on with the others', () => {
    const law = { mode: 'expression', expression: 'cpu_idle_pct', damping: { minInterval: 0 } };
    const reports = every2s(() => ({ cpu_idle_pct: 50 }));
    const before = runCore(threeServerConfig(law).core, { until: 30_000, reports });
    const D = '10.0.1.14:80';
    const servers = [...['10.0.1.11', '10.0.1.12', '10.0.1.13'].map((address, i) => ({ address, agent: `a${i + 1}` })), { address: '10.0.1.14', agent: 'a4', weight: 60 }];
    const grown = threeServerConfig({ ...law, realServers: servers }, { agents: ['a1', 'a2', 'a3', 'a4'].map((id) => ({ id, token: TOKEN })) });
    const after = runCore(grown.core, { from: 31_000, until: 40_000, state: before.state, reports });
    expect(before.weightAt(A, 30_000)).toBe(50);
    expect(after.ticks[0]!.dests.map((d) => [d.destId, d.weight])).toEqual([[A, 50], [B, 50], [C, 50], [D, 60]]);
    expect(after.ticks.at(-1)!.dests.find((d) => d.destId === D)).toMatchObject({ weight: 60, reason: 'waiting for the agent', holdKind: 'waiting', changed: false });
    expect(after.events('agent-live')).toEqual([]);
  });
});
