import { describe, expect, it } from 'vitest';
import type { DestDecision } from '../../../director/core/decisions.js';
import type { KernelView, ReceivedReport } from '../../../director/core/observation.js';
import { runCore, type Run } from '../../helpers/core-run.js';
import { report, threeServerConfig } from '../../helpers/director-fixtures.js';

// The ownership model: lvs-feedback changes the weight of its configured destinations and the thresholds its config
// names, nothing else; a 0 set by anyone else means "out" until someone else raises it, and that raise is a return.
const A = '10.0.1.11:80';
const B = '10.0.1.12:80';
const C = '10.0.1.13:80';
const DESTS = [A, B, C];
const SERVICE = 'tcp:10.0.0.1:80';

interface KernelDestRow {
  weight: number;
  upper: number;
  lower: number;
}
/** What a neighbour (keepalived, a person) does to the kernel's table at time t, before the decision at t. */
type Neighbour = (t: number, table: Map<string, KernelDestRow | undefined>) => void;

/**
 * A kernel table that takes the director's writes (each changed decision's weight and thresholds, as an ipvsadm edit
 * line restates them) and a neighbour's edits. Starts from `start` (keepalived's configured weights and thresholds).
 */
function kernelWith(start: Record<string, KernelDestRow>, neighbour: Neighbour) {
  const table = new Map<string, KernelDestRow | undefined>(Object.entries(start).map(([k, v]) => [k, { ...v }]));
  return (t: number, _weights: ReadonlyMap<string, number>, last: readonly DestDecision[]): KernelView => {
    for (const d of last) {
      const row = table.get(d.destId);
      if (row && d.changed) Object.assign(row, { weight: d.weight, upper: d.upper, lower: d.lower });
    }
    neighbour(t, table);
    const dests: Record<string, KernelDestRow> = {};
    for (const [id, row] of table) if (row) dests[id] = { ...row };
    return { services: { [SERVICE]: dests } };
  };
}

const every2s = (metrics: (agent: string, t: number) => Record<string, number>, silent: (agent: string, t: number) => boolean = () => false) => (t: number): ReceivedReport[] =>
  t % 2_000 === 0 ? ['a1', 'a2', 'a3'].filter((a) => !silent(a, t)).map((a) => report(a, t, metrics(a, t))) : [];

const dest = (run: Run, destId: string, t: number) => {
  const d = run.ticks.find((k) => k.now === t)?.dests.find((x) => x.destId === destId);
  if (!d) throw new Error(`no decision for ${destId} at ${t}`);
  return d;
};
const series = (run: Run, destId: string, from: number, until: number) => run.ticks.filter((k) => k.now >= from && k.now <= until).map((k) => dest(run, destId, k.now).weight);
const full = (upper = 0, lower = 0): Record<string, KernelDestRow> => Object.fromEntries(DESTS.map((d) => [d, { weight: 100, upper, lower }]));

describe('a weight of 0 set by someone else (keepalived inhibit_on_failure)', () => {
  const hold = 10_000;
  const cfg = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct', damping: { minInterval: 2 } }, { externalEditHold: '10s' });
  const reports = every2s(() => ({ cpu_idle_pct: 50 }));
  // keepalived: rs A fails its check at 40 s (weight 0), recovers at 150 s (its configured weight 100 again).
  const keepalived: Neighbour = (t, table) => {
    if (t === 40_000) table.get(A)!.weight = 0;
    if (t === 150_000) table.get(A)!.weight = 100;
  };
  const run = runCore(cfg.core, { until: 240_000, reports, kernel: kernelWith(full(), keepalived) });

  it('is out: never raised by lvs-feedback, for many times the external-edit hold, while its agent is live', () => {
    expect(dest(run, A, 38_000).weight).toBe(50);
    const out = series(run, A, 40_000, 149_000);
    expect(out.length).toBeGreaterThan(100);
    expect(out.every((w) => w === 0)).toBe(true);
    expect(149_000 - 40_000).toBeGreaterThan(10 * hold);
    expect(run.ticks.filter((k) => k.now >= 40_000 && k.now < 150_000).some((k) => dest(run, A, k.now).changed)).toBe(false);
    expect(dest(run, A, 100_000)).toMatchObject({ holdKind: 'out' });
    expect(dest(run, A, 100_000).reason).toContain('set to 0 outside lvs-feedback');
    expect(run.events('dest-out')).toHaveLength(1);
    expect(run.events('external-edit')).toHaveLength(0);
  });

  it('returns with slow start when someone else raises it: low at once, then step by step to its target', () => {
    expect(run.events('dest-raised')).toHaveLength(1);
    const back = series(run, A, 150_000, 240_000);
    // The decision at 150 s sees keepalived's 100 and writes the start of the ramp: 10 % of the target 50.
    expect(back[0]).toBe(5);
    expect(dest(run, A, 150_000).reason).toContain('raised from 0 outside lvs-feedback, slow start from 5');
    for (let i = 1; i < back.length; i++) expect(back[i]!).toBeGreaterThanOrEqual(back[i - 1]!);
    // Up to its target 50 (the last few points within the deadband), and the ramp takes its time (60 s), not one jump.
    expect(Math.max(...back)).toBeGreaterThanOrEqual(45);
    expect(Math.max(...back)).toBeLessThanOrEqual(50);
    expect(back.findIndex((w) => w >= 45)).toBeGreaterThan(20);
  });

  it('is never kept at a minimum weight by the black-hole guard, even when every server is out', () => {
    const allOut: Neighbour = (t, table) => {
      if (t === 40_000) for (const d of DESTS) table.get(d)!.weight = 0;
    };
    const r = runCore(cfg.core, { until: 120_000, reports, kernel: kernelWith(full(), allOut) });
    for (const d of DESTS) expect(series(r, d, 40_000, 120_000).every((w) => w === 0)).toBe(true);
  });

  it('found at 0 when first seen is out too (lvs-feedback cannot tell who set it), and no reason says it returned', () => {
    const r = runCore(cfg.core, { until: 120_000, reports, kernel: kernelWith({ ...full(), [A]: { weight: 0, upper: 0, lower: 0 } }, () => {}) });
    expect(series(r, A, 0, 120_000).every((w) => w === 0)).toBe(true);
    expect(dest(r, A, 60_000).reason).toContain('at weight 0 when first seen');
    expect(r.events('dest-out')).toHaveLength(1);
    const reasons = r.ticks.flatMap((k) => k.dests.map((d) => d.reason));
    expect(reasons.some((x) => /returned|back in the table/.test(x))).toBe(false);
  });

  it('a person’s non-zero edit is still held for the hold time, then control resumes', () => {
    const person: Neighbour = (t, table) => {
      if (t === 40_000) table.get(A)!.weight = 90;
    };
    const r = runCore(cfg.core, { until: 80_000, reports, kernel: kernelWith(full(), person) });
    expect(r.events('external-edit')).toHaveLength(1);
    expect(dest(r, A, 49_000).weight).toBe(90);
    expect(dest(r, A, 80_000).weight).toBe(50);
  });
});

describe('thresholds', () => {
  const expression = { mode: 'expression', expression: 'cpu_idle_pct', damping: { minInterval: 2 } };
  const reports = every2s((_a, t) => ({ cpu_idle_pct: t < 30_000 ? 50 : 80 }));

  it('the config names none: every decision restates what the kernel has (keepalived’s 500/100), also after a re-add', () => {
    const cfg = threeServerConfig(expression);
    // keepalived removes B at 40 s and adds it back at 50 s with its own thresholds 500/100.
    const keepalived: Neighbour = (t, table) => {
      if (t === 40_000) table.set(B, undefined);
      if (t === 50_000) table.set(B, { weight: 100, upper: 500, lower: 100 });
    };
    const run = runCore(cfg.core, { until: 120_000, reports, kernel: kernelWith(full(500, 100), keepalived) });
    const written = run.ticks.flatMap((k) => k.dests.filter((d) => d.changed && d.present));
    expect(written.length).toBeGreaterThan(10);
    for (const d of written) expect([d.upper, d.lower], `${d.destId} at a write`).toEqual([500, 100]);
    expect(run.events('thresholds')).toHaveLength(0);
  });

  it('the config names them: written, and every change logged with from → to and why', () => {
    const cfg = threeServerConfig({
      ...expression,
      realServers: [
        { address: '10.0.1.11', agent: 'a1', weight: 100 },
        { address: '10.0.1.12', agent: 'a2', weight: 100 },
        { address: '10.0.1.13', agent: 'a3', weight: 100, upperThreshold: 80, lowerThreshold: 60 },
      ],
    });
    const run = runCore(cfg.core, { until: 20_000, reports, kernel: kernelWith(full(500, 100), () => {}) });
    const events = run.events('thresholds');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ destId: C });
    expect(events[0]!.message).toBe('web/10.0.1.13:80 thresholds -x 500 → 80, -y 100 → 60: configured upperThreshold 80, lowerThreshold 60');
    expect(dest(run, C, 0)).toMatchObject({ upper: 80, lower: 60, changed: true });
    expect(dest(run, A, 0)).toMatchObject({ upper: 500, lower: 100, changed: false });
  });
});

describe('a way back from 0 for a server lvs-feedback itself set to 0 (capacity mode)', () => {
  // a1's agent goes silent at 40 s (stale → quiesced to 0 by the director) and reports again from 80 s.
  const silent = (a: string, t: number) => a === 'a1' && t >= 40_000 && t < 80_000;
  /** The kernel's rate for a destination follows its weight: a server at weight 0 gets no new connections. */
  function kernelRated(_t: number, weights: ReadonlyMap<string, number>): KernelView {
    const sum = DESTS.reduce((s, d) => s + (weights.get(d) ?? 0), 0);
    return { services: { [SERVICE]: Object.fromEntries(DESTS.map((d) => [d, { weight: weights.get(d) ?? 100, upper: 0, lower: 0, cps: sum > 0 ? (300 * (weights.get(d) ?? 0)) / sum : 0, activeConns: 0, inactiveConns: 0 }])) } };
  }

  it('comes back when its CPU stays above the floor from other work (no traffic reaches it at 0)', () => {
    const cfg = threeServerConfig({ stalePolicy: 'quiesce', damping: { minInterval: 2 } });
    const run = runCore(cfg.core, {
      until: 200_000,
      // a1's CPU is 60 % busy with other work whatever its traffic; the others' utilisation follows their traffic.
      reports: every2s((a) => ({ cpu_util_pct: a === 'a1' ? 60 : 40, tcp_passive_opens_per_s: a === 'a1' ? 0 : 100 }), silent),
      kernel: kernelRated,
    });
    expect(dest(run, A, 79_000).weight).toBe(0);
    const back = series(run, A, 80_000, 200_000);
    const firstUp = back.findIndex((w) => w > 0);
    expect(firstUp, 'never back from 0').toBeGreaterThanOrEqual(0);
    // Bounded: the blackout (10 s) and one slow-start step.
    expect(firstUp).toBeLessThanOrEqual(15);
    expect(back.at(-1)!).toBeGreaterThan(0);
  });

  it('comes back when every server is below the utilisation floor', () => {
    const cfg = threeServerConfig({ stalePolicy: 'quiesce', damping: { minInterval: 2 } });
    const run = runCore(cfg.core, {
      until: 200_000,
      reports: every2s(() => ({ cpu_util_pct: 3, tcp_passive_opens_per_s: 5 }), silent),
      kernel: kernelRated,
    });
    expect(dest(run, A, 79_000).weight).toBe(0);
    const back = series(run, A, 80_000, 200_000);
    expect(back.findIndex((w) => w > 0)).toBeGreaterThanOrEqual(0);
    const firstUp = back.findIndex((w) => w > 0);
    expect(firstUp).toBeLessThanOrEqual(15);
    expect(dest(run, A, 80_000 + firstUp * 1_000).reason).toContain('back from 0 at the reference weight 100');
  });
});
