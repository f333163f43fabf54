// The targets the default policy must meet (issue 11's list), checked against the results: each with its figure and
// met / not met; a target whose scenarios were not run is left out.
import { DEFAULT_POLICY } from '../policies/catalogue.js';
import type { Results, ScenarioResults } from '../run.js';

export interface TargetCheck {
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

/** The static configurations with weights ∝ the true capacities, one per scheduler: what a perfect admin would set. */
export const BEST_STATIC = ['best-wlc', 'best-sed', 'best-nq', 'best-wrr'] as const;
/** Where a server's capacity drifts: feedback should beat any static weights there. */
export const DRIFTING = ['b', 'degrade', 'diurnal'];
/** 8 or more servers at 70 % load: compared with the physical limit. */
export const LARGE = ['a8', 's16'];
/** Steady state once converged: no capacity change, no silent agents, no rejoin, no crowd. */
export const STEADY = ['a70', 'a85', 'a8', 'c', 'g', 'keepalive', 'sessions', 'rtt', 'lowrate', 'udp', 'active2', 's16'];

/** The best static configuration of a scenario: its key and p99 (the window's when asked). */
export function bestStatic(s: ScenarioResults, window = false): { key: string; p99Ms: number } | undefined {
  let best: { key: string; p99Ms: number } | undefined;
  for (const key of BEST_STATIC) {
    const m = s.summaries[key];
    const v = window ? m?.windowP99Ms : m?.p99Ms;
    if (v !== undefined && Number.isFinite(v) && (best === undefined || v < best.p99Ms)) best = { key, p99Ms: v };
  }
  return best;
}

/** The default's p99 ÷ the best static p99 in a scenario. */
export function versusBestStatic(s: ScenarioResults, window = false): number | undefined {
  const own = window ? s.summaries[DEFAULT_POLICY]?.windowP99Ms : s.summaries[DEFAULT_POLICY]?.p99Ms;
  const best = bestStatic(s, window);
  return own !== undefined && best ? own / best.p99Ms : undefined;
}

/** The default's p99 ÷ the physical reference's in a scenario. */
export function versusPhysical(s: ScenarioResults): number | undefined {
  const own = s.summaries[DEFAULT_POLICY]?.p99Ms;
  const phys = s.references?.physicalP99Ms;
  return own !== undefined && phys !== undefined && phys > 0 ? own / phys : undefined;
}

/** The largest of a figure over the named scenarios (all when no names), with where it is. */
function worst(r: Results, names: readonly string[] | undefined, f: (s: ScenarioResults) => number | undefined): { v: number; where: string } | undefined {
  let out: { v: number; where: string } | undefined;
  for (const s of r.scenarios) {
    if (names && !names.includes(s.spec.name)) continue;
    const v = f(s);
    if (v !== undefined && Number.isFinite(v) && (out === undefined || v > out.v)) out = { v, where: s.spec.name };
  }
  return out;
}

export function checkTargets(r: Results): TargetCheck[] {
  const out: TargetCheck[] = [];
  const x = (v: number) => `${v.toFixed(2)}×`;
  const add = (target: string, w: { v: number; where: string } | undefined, ok: (v: number) => boolean, fmt = x) => {
    if (w) out.push({ target: `${target} (worst: ${w.where})`, value: fmt(w.v), met: ok(w.v) });
  };
  add('p99 ≤ 1.05 × the best static weights in every scenario', worst(r, undefined, (s) => versusBestStatic(s)), (v) => v <= 1.05);
  add('p99 < 1.00 × the best static weights where capacity drifts', worst(r, DRIFTING, (s) => versusBestStatic(s, s.spec.window !== undefined)), (v) => v < 1);
  add('p99 ≤ 1.25 × the physical reference on 8 or more servers at 70 %', worst(r, LARGE, versusPhysical), (v) => v <= 1.25);
  const perMin = (v: number) => v.toFixed(2);
  add('≤ 2 weight changes per server-minute in steady state', worst(r, STEADY, (s) => s.summaries[DEFAULT_POLICY]?.changesPerServerMinute), (v) => v <= 2, perMin);
  add('no sustained reversals: ≤ 0.5 per server-minute in steady state', worst(r, STEADY, (s) => s.summaries[DEFAULT_POLICY]?.reversalsPerServerMinute), (v) => v <= 0.5, perMin);
  add('a rejoining server stays at or below 90 % utilisation (2 s peaks)', worst(r, ['d'], (s) => s.summaries[DEFAULT_POLICY]?.rejoinPeakUtil), (v) => v <= 0.9, (v) => `${(v * 100).toFixed(0)} %`);
  const a70 = r.scenarios.find((s) => s.spec.name === 'a70');
  const wlc = a70?.summaries['static-wlc']?.p99Ms;
  const own = a70?.summaries[DEFAULT_POLICY]?.p99Ms;
  if (wlc !== undefined && own !== undefined) out.push({ target: '(a) p99 at least 1.5× better than static wlc with equal weights', value: x(wlc / own), met: wlc / own >= 1.5 });
  return out;
}
