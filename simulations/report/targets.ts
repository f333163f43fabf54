// The targets the default policy must meet, checked against the results (the table says which are met).
import { DEFAULT_POLICY, ORACLE } from '../policies/catalogue.js';
import type { Results, ScenarioResults } from '../run.js';

export interface TargetCheck {
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

/** A policy's p99 (or p99 in the scenario's window); undefined when the scenario has no such figure. */
const p99 = (s: ScenarioResults, policy: string, window = false): number | undefined => {
  const m = s.summaries[policy];
  return window ? m?.windowP99Ms : m?.p99Ms;
};

/** The default policy's figures in a scenario. */
const own = (s: ScenarioResults) => s.summaries[DEFAULT_POLICY];

/**
 * Each target is checked where its scenario was run (a partial run checks fewer); a figure that is missing leaves its
 * target out.
 */
export function checkTargets(r: Results): TargetCheck[] {
  const get = (name: string) => r.scenarios.find((s) => s.spec.name === name);
  const out: TargetCheck[] = [];
  /** One policy's p99 over another's (the oracle's unless named) in a scenario. */
  const ratio = (name: string, policy = DEFAULT_POLICY, window = false, base = ORACLE) => {
    const s = get(name);
    if (!s) return undefined;
    const a = p99(s, policy, window);
    const b = p99(s, base, window);
    return a !== undefined && b !== undefined ? a / b : undefined;
  };
  const add = (target: string, v: number | undefined, ok: (v: number) => boolean, fmt = (v: number) => `${v.toFixed(2)}×`) => {
    if (v !== undefined) out.push({ target, value: fmt(v), met: ok(v) });
  };
  add('(a) 3 servers, 70 %: p99 ≤ 1.15 × oracle', ratio('a70'), (v) => v <= 1.15);
  add('(a) 3 servers, 85 %: p99 ≤ 1.15 × oracle', ratio('a85'), (v) => v <= 1.15);
  add('(a) 8 servers 4:1: p99 ≤ 1.35 × oracle', ratio('a8'), (v) => v <= 1.35);
  add('(c) request mix: p99 ≤ 1.25 × oracle', ratio('c'), (v) => v <= 1.25);
  add('(b) during the background job: p99 ≤ 1.15 × oracle', ratio('b', DEFAULT_POLICY, true), (v) => v <= 1.15);
  add('(a) p99 at least 1.5× better than static wlc, equal weights', ratio('a70', 'static-wlc', false, DEFAULT_POLICY), (v) => v >= 1.5);
  let worst = 0;
  let where = '';
  for (const s of r.scenarios) {
    if (s.spec.name === 'f' || s.spec.name === 'd') continue; // the best static configuration cannot go silent or rejoin
    const [wlc, sed, mine] = [p99(s, 'best-wlc'), p99(s, 'best-sed'), p99(s, DEFAULT_POLICY)];
    if (wlc === undefined || sed === undefined || mine === undefined) continue;
    const v = mine / Math.min(wlc, sed);
    if (v > worst) {
      worst = v;
      where = s.spec.name;
    }
  }
  add(`within 10 % of the best static configuration everywhere (worst: ${where})`, worst || undefined, (v) => v <= 1.1);
  let changes = 0;
  for (const s of r.scenarios) if (['a70', 'a85', 'a8', 'c', 'g'].includes(s.spec.name)) changes = Math.max(changes, own(s)?.changesPerServerMinute ?? 0);
  add('at most 4 weight changes per server-minute in steady state', changes, (v) => v <= 4, (v) => v.toFixed(2));
  const g = get('g');
  if (g) add('(g) noisy samples: no sustained oscillation (weight changes per server-minute ≤ 4)', own(g)?.changesPerServerMinute, (v) => v <= 4, (v) => v.toFixed(2));
  const d = get('d');
  if (d) add('(d) rejoin: no server above 90 % utilisation (2 s peaks of the rejoining server)', own(d)?.rejoinPeakUtil, (v) => v <= 0.9, (v) => `${(v * 100).toFixed(0)} %`);
  return out;
}
