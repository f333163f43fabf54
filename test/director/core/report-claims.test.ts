// What an agent claims about time cannot steer the smoothing: a report's weight and a rate's span are bounded.
import { describe, expect, it } from 'vitest';
import type { ReceivedReport } from '../../../director/core/observation.js';
import { runCore } from '../../helpers/core-run.js';
import { report, threeServerConfig } from '../../helpers/director-fixtures.js';

const A = '10.0.1.11:80';

describe('what agents claim about time', () => {
  it('weighs a report claiming an hour as no more than the time since the one before', () => {
    const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct', damping: { deadband: 1, maxStep: 100, minInterval: 0 } });
    // a1 reports 100 % idle every 2 s for a minute, then one report of 0 % that claims to cover an hour.
    const reports = (t: number): ReceivedReport[] => {
      if (t % 2_000 !== 0) return [];
      return ['a1', 'a2', 'a3'].map((a) => (a === 'a1' && t === 60_000 ? report(a, t, { cpu_idle_pct: 0 }, 3_600_000) : report(a, t, { cpu_idle_pct: 100 })));
    };
    const run = runCore(cfg.core, { until: 60_000, reports });
    // One 2 s sample of 0 against a 20 s time constant moves the mean by 1 − e^(−0.1) ≈ 9.5 %: to about 90, not to 0.
    expect(run.ticks.at(-1)!.dests.find((d) => d.destId === A)!.target).toBeGreaterThanOrEqual(88);
    expect(run.weightAt(A, 60_000)).toBeGreaterThanOrEqual(88);
  });

  it('takes the growth of established connections over the reports’ own interval when they arrive bunched', () => {
    // Capacity mode, rate from the agent: accepted minus the growth of established. a1's clock is far off (timed by
    // arrival), and its reports come in pairs 2 ms apart, each growing established by 10 over a 2 s interval: 5/s of
    // growth, not 5,000/s, so the completed rate stays near the 50/s accepted minus 5/s.
    const cfg = threeServerConfig({ capacity: { rateFrom: 'agent' } });
    let established = 0;
    const reports = (t: number): ReceivedReport[] => {
      if (t % 4_000 !== 0) return [];
      const out: ReceivedReport[] = [];
      for (const a of ['a1', 'a2', 'a3']) {
        for (const dt of [0, 2]) {
          if (a === 'a1') established += 10;
          const r = report(a, t + dt, { cpu_util_pct: 50, tcp_passive_opens_per_s: 50, established: a === 'a1' ? established : 100 });
          // An agent clock an hour off: the director times these reports by their arrival.
          out.push(a === 'a1' ? { ...r, report: { ...r.report, ts: r.report.ts + 3_600_000 } } : r);
        }
      }
      return out;
    };
    const run = runCore(cfg.core, { until: 60_000, reports });
    const a1 = run.state.agents.a1!;
    expect(a1.smoothed.completedRate).toBeGreaterThan(40);
    expect(a1.smoothed.completedRate).toBeLessThanOrEqual(50);
  });
});

describe('what agents claim about their rate', () => {
  it('counts no capacity as more than maxRatio × the median of the others: one lying agent starves no one', () => {
    const cfg = threeServerConfig({ capacity: { rateFrom: 'agent' } });
    const B = '10.0.1.12:80';
    const C = '10.0.1.13:80';
    // a1 and a2 complete 50 connections a second at 50 % CPU (100/s of capacity); a3 claims 100,000 a second.
    const reports = (t: number): ReceivedReport[] =>
      t % 2_000 === 0 ? ['a1', 'a2', 'a3'].map((a) => report(a, t, { cpu_util_pct: 50, tcp_passive_opens_per_s: a === 'a3' ? 100_000 : 50, established: 10 })) : [];
    const run = runCore(cfg.core, { until: 120_000, reports });
    const last = run.ticks.at(-1)!.dests;
    const liar = last.find((d) => d.destId === C)!;
    expect(liar.reason).toContain('counted as 1000/s (at most 10 × the others');
    // Capacities 100, 100 and (at most) 1000: the honest servers keep a quarter of the reference weight, not 1.
    for (const dest of [A, B]) expect(run.weightAt(dest, 120_000)).toBeGreaterThanOrEqual(20);
    expect(run.weightAt(C, 120_000)).toBeLessThanOrEqual(260);
  });

  it('lets no capacity rise faster than maxGrowthPerMinute: an agent that starts lying climbs over minutes, in plain sight', () => {
    const cfg = threeServerConfig({ capacity: { rateFrom: 'agent' } });
    const C = '10.0.1.13:80';
    // All three honest (100/s of capacity each) for a minute; then a3 claims twenty times its rate.
    const reports = (t: number): ReceivedReport[] =>
      t % 2_000 === 0 ? ['a1', 'a2', 'a3'].map((a) => report(a, t, { cpu_util_pct: 50, tcp_passive_opens_per_s: a === 'a3' && t > 60_000 ? 1_000 : 50, established: 10 })) : [];
    const run = runCore(cfg.core, { until: 300_000, reports });
    const capacityAt = (t: number) => Number(/^capacity ([\d.]+)\/s/.exec(run.ticks.find((k) => k.now === t)!.dests.find((d) => d.destId === C)!.reason)?.[1]);
    const counted = (t: number) => run.ticks.find((k) => k.now === t)!.dests.find((d) => d.destId === C)!.reason;
    expect(capacityAt(60_000)).toBeCloseTo(100, 0);
    // Half a minute after the lie began its capacity counts for at most 2^0.5 × 100, where the smoothing alone gave ~800.
    expect(counted(90_000)).toMatch(/counted as (\d+(\.\d+)?)\/s \(at most 2 × more per minute/);
    expect(Number(/counted as ([\d.]+)\/s \(at most 2/.exec(counted(90_000))![1])).toBeLessThanOrEqual(100 * 2 ** 0.5 + 1);
    for (const dest of [A, '10.0.1.12:80']) expect(run.weightAt(dest, 90_000)).toBeGreaterThanOrEqual(60);
    // It goes on climbing, never faster, up to the others' bound (10 × their median).
    expect(counted(300_000)).toContain('counted as 1000/s (at most 10 × the others');
  });
});

