// The core advances its state in place (no copy per decision): what it returned before never changes afterwards.
import { describe, expect, it } from 'vitest';
import { advance } from '../../../director/core/advance.js';
import type { ReceivedReport } from '../../../director/core/observation.js';
import { cloneState, initialState } from '../../../director/core/step.js';
import type { CoreState } from '../../../director/core/state.js';
import { report, threeServerConfig } from '../../helpers/director-fixtures.js';

const T0 = 1_800_000_000_000;
const cfg = threeServerConfig({ damping: { minInterval: 0 } });

/** Reports every 2 s: a1 slow and busy, a2 and a3 fast. */
function reportsAt(now: number): ReceivedReport[] {
  if ((now - T0) % 2_000 !== 0) return [];
  return [
    report('a1', now - 400, { cpu_util_pct: 90, tcp_passive_opens_per_s: 50 }),
    report('a2', now - 400, { cpu_util_pct: 40, tcp_passive_opens_per_s: 150 }),
    report('a3', now - 400, { cpu_util_pct: 45, tcp_passive_opens_per_s: 160 }),
  ];
}

function run(state: CoreState, from: number, until: number) {
  const decided: { at: number; json: string; live: unknown }[] = [];
  for (let now = from; now <= until; now += 1_000) {
    const r = advance(cfg.core, state, { now: now + 600, reports: reportsAt(now) });
    state = r.state;
    for (const s of r.steps) decided.push({ at: s.instant, json: JSON.stringify(s.dests), live: s.dests });
  }
  return { state, decided };
}

describe('a core that steps in place', () => {
  it('never changes a decision it returned earlier, nor the reports it was given', () => {
    const given = reportsAt(T0);
    const copy = JSON.stringify(given);
    advance(cfg.core, initialState(cfg.core, T0), { now: T0 + 600, reports: given });
    expect(JSON.stringify(given)).toBe(copy);
    const { decided } = run(initialState(cfg.core, T0), T0, T0 + 60_000);
    // The weights moved (the law acted), and every decision reads as it did when it was returned.
    expect(new Set(decided.map((d) => JSON.stringify((d.live as { weight: number }[]).map((x) => x.weight)))).size).toBeGreaterThan(2);
    for (const d of decided) expect(JSON.stringify(d.live)).toBe(d.json);
  });

  it('decides the same from a copy of a state as from the state, and stepping one leaves the other as it was', () => {
    const half = run(initialState(cfg.core, T0), T0, T0 + 30_000);
    const kept = cloneState(half.state);
    const keptJson = JSON.stringify(kept);
    const a = run(half.state, T0 + 31_000, T0 + 90_000);
    expect(JSON.stringify(kept)).toBe(keptJson);
    const b = run(kept, T0 + 31_000, T0 + 90_000);
    expect(b.decided.map((d) => d.json)).toEqual(a.decided.map((d) => d.json));
  });
});
