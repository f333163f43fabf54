// Writes the results folder: results.md, results.json and the SVG plots. Same seeds → byte-identical files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeriesPoint } from '../model/cluster-run.js';
import { DEFAULT_POLICY } from '../policies/catalogue.js';
import type { Results } from '../run.js';
import { resultsMarkdown } from './markdown.js';
import { barChart, lineChart, type Line } from './svg.js';
import { figuresOf } from './figures.js';
import { bestStatic, checkTargets } from './targets.js';

const round = (v: unknown): unknown => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v);

/** The runs plotted over time: a scenario's first seed under one policy. */
const PLOTS: readonly { readonly scenario: string; readonly policy: string }[] = [
  { scenario: 'a70', policy: DEFAULT_POLICY },
  { scenario: 'a70', policy: 'capacity-wlc' },
  { scenario: 'b', policy: DEFAULT_POLICY },
  { scenario: 'd', policy: DEFAULT_POLICY },
];

/** One server's line through the series: its value at each point (0 where a point has none for it). */
const track = (series: readonly SeriesPoint[], values: (p: SeriesPoint) => readonly number[], server: number): Line['points'] =>
  series.map((p) => [p.t, values(p)[server] ?? 0]);

export function writeResults(r: Results, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const targets = checkTargets(r);
  const files: Record<string, string> = {};
  files['results.md'] = resultsMarkdown(r, targets);
  const scenarios = r.scenarios.map((s) => ({ name: s.spec.name, title: s.spec.title, summaries: s.summaries, ...(s.references ? { references: s.references } : {}) }));
  // The figures the READMEs quote, from the unrounded results (so they agree with results.md to the last digit).
  const figures = figuresOf({ scenarios });
  files['results.json'] = `${JSON.stringify({ seeds: r.seeds, targets, figures, scenarios }, (_k, v: unknown) => round(v), 1)}\n`;
  files['p99.svg'] = barChart(
    'p99 response time ÷ the best static weights, per scenario (log scale; 1 = the best static weights)',
    // NaN (no bar) for a policy without figures.
    r.scenarios.map((s) => ({ label: s.spec.name, values: r.policies.map((p) => (s.summaries[p.key]?.p99Ms ?? NaN) / (bestStatic(s)?.p99Ms ?? NaN)) })),
    r.policies.map((p) => p.label),
    'p99 ÷ best static p99',
  );
  for (const { scenario, policy } of PLOTS) {
    const s = r.scenarios.find((x) => x.spec.name === scenario);
    const run = s?.firstRuns[policy];
    const entry = r.policies.find((p) => p.key === policy);
    if (!s || !run || !entry) continue;
    const names = s.spec.servers.map((x, i) => `server ${i + 1} (${x.cores * x.speed} cores)`);
    files[`series-${scenario}-${policy}.svg`] = lineChart(`${s.spec.title} — ${entry.label}`, [
      { yLabel: 'weight', lines: names.map((n, i) => ({ label: n, points: track(run.series, (p) => p.weights, i) })) },
      { yLabel: 'CPU utilisation', yMax: 1, lines: names.map((n, i) => ({ label: n, points: track(run.series, (p) => p.util, i) })) },
    ]);
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}
