// The targets table judges every scenario that ran (the silent agents of f included) and says "not met" with the figure.
import { describe, expect, it } from 'vitest';
import { checkTargets } from '../../../simulations/report/targets.js';
import type { Results, ScenarioResults } from '../../../simulations/run.js';
import type { Summary } from '../../../simulations/measure/summary.js';
import { SCENARIOS } from '../../../simulations/scenarios/catalogue.js';

const summary = (p99Ms: number, changes = 0.5): Summary =>
  ({ requests: 1, meanMs: 1, p95Ms: p99Ms, p99Ms, windowP99Ms: p99Ms, utilSpread: 0, utilCv: 0, refused: 0, sorry: 0, changesPerServerMinute: changes, reversalsPerServerMinute: 0.1 }) as Summary;

/** Every catalogued scenario with the default at the best static p99, except `worse` at 1.3 × it. */
function results(worse: string): Results {
  const scenarios: ScenarioResults[] = SCENARIOS.map((spec) => ({
    spec,
    summaries: { 'best-sed': summary(100), default: summary(spec.name === worse ? 130 : 100) },
    firstRuns: {},
  }));
  return { seeds: 3, scenarios, policies: [] };
}

describe('the targets table', () => {
  it('takes the worst scenario of every family for p99 against the best static weights, f and udp included', () => {
    for (const name of ['f', 'udp', 'keepalive']) {
      const row = checkTargets(results(name)).find((t) => t.target.startsWith('p99 ≤ 1.05 × the best static weights'));
      expect(row, name).toEqual({ target: `p99 ≤ 1.05 × the best static weights in every scenario (worst: ${name})`, value: '1.30×', met: false });
    }
  });

  it('says met when every scenario is within the target', () => {
    const row = checkTargets(results('none')).find((t) => t.target.startsWith('p99 ≤ 1.05'));
    expect(row?.met).toBe(true);
    expect(row?.value).toBe('1.00×');
  });
});
