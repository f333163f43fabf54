// Writes the results folder: results.md, results.json and the SVG plots. Same seeds → byte-identical files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY, ORACLE } from '../policies/catalogue.js';
import type { Results } from '../run.js';
import { resultsMarkdown } from './markdown.js';
import { barChart, lineChart } from './svg.js';
import { checkTargets } from './targets.js';

const round = (v: unknown): unknown => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v);

export function writeResults(r: Results, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const targets = checkTargets(r);
  const files: Record<string, string> = {};
  files['results.md'] = resultsMarkdown(r, targets);
  files['results.json'] = `${JSON.stringify(
    { seeds: r.seeds, targets, scenarios: r.scenarios.map((s) => ({ name: s.spec.name, title: s.spec.title, summaries: s.summaries })) },
    (_k, v: unknown) => round(v),
    1,
  )}\n`;
  files['p99.svg'] = barChart(
    'p99 response time ÷ oracle, per scenario (log scale; 1 = the oracle)',
    r.scenarios.map((s) => ({ label: s.spec.name, values: r.policies.map((p) => s.summaries[p.key]!.p99Ms / s.summaries[ORACLE]!.p99Ms) })),
    r.policies.map((p) => p.label),
    'p99 ÷ oracle p99',
  );
  for (const [scenario, policy] of [['a70', DEFAULT_POLICY], ['a70', 'capacity-wlc'], ['b', DEFAULT_POLICY], ['d', DEFAULT_POLICY]] as const) {
    const s = r.scenarios.find((x) => x.spec.name === scenario);
    const run = s?.firstRuns[policy];
    if (!s || !run) continue;
    const label = r.policies.find((p) => p.key === policy)!.label;
    const names = s.spec.servers.map((x, i) => `server ${i + 1} (${x.cores * x.speed} cores)`);
    files[`series-${scenario}-${policy}.svg`] = lineChart(`${s.spec.title} — ${label}`, [
      { yLabel: 'weight', lines: names.map((n, i) => ({ label: n, points: run.series.map((p) => [p.t, p.weights[i]!] as const) })) },
      { yLabel: 'CPU utilisation', yMax: 1, lines: names.map((n, i) => ({ label: n, points: run.series.map((p) => [p.t, p.util[i]!] as const) })) },
    ]);
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}
