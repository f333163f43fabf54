// The figures the READMEs quote are the committed results' own: a number typed by hand, or left behind by a
// regeneration, fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figuresOf, quotedFigures, storedFigures, withFigures, type ResultsJson } from '../../../simulations/report/figures.js';
import { PACKAGE_ROOT } from '../../../shared/version.js';

const resultsPath = join(PACKAGE_ROOT, 'simulations/results/results.json');
const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as ResultsJson;
const figures = storedFigures(resultsPath);

describe('figures quoted in the READMEs', () => {
  it.each(['README.md', 'simulations/README.md'])('%s quotes each figure as results.json gives it', (file) => {
    const quoted = quotedFigures(readFileSync(join(PACKAGE_ROOT, file), 'utf8'));
    for (const [name, shown] of quoted) {
      expect(figures[name], `${file}: no figure named ${name}`).toBeDefined();
      expect(shown, `${file}: ${name}`).toBe(figures[name]);
    }
  });

  it('results.json carries the figures of its own summaries (to the rounding of its numbers)', () => {
    const recomputed = figuresOf(results);
    expect(Object.keys(figures).sort()).toEqual(Object.keys(recomputed).sort());
    for (const [name, v] of Object.entries(figures)) {
      const n = Number(v);
      if (Number.isFinite(n)) expect(Math.abs(Number(recomputed[name]) - n), name).toBeLessThanOrEqual(Math.max(0.011, n * 1e-4));
      else expect(recomputed[name], name).toBe(v);
    }
  });

  it('the README quotes its headline figures through markers', () => {
    const names = quotedFigures(readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8')).map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(['best-static-low', 'best-static-high', 'steady-changes-max']));
  });

  it('rewrites a stale figure and leaves unknown names alone', () => {
    const text = 'a <!--fig:steady-changes-max-->9.99<!--/fig--> b <!--fig:no-such-->1<!--/fig-->';
    expect(withFigures(text, { 'steady-changes-max': '3.41' })).toBe('a <!--fig:steady-changes-max-->3.41<!--/fig--> b <!--fig:no-such-->1<!--/fig-->');
  });

  it('computes the range against the best static configuration from the summaries', () => {
    const s = (p99Ms: number) => ({ p99Ms, changesPerServerMinute: 1 });
    const f = figuresOf({
      scenarios: [
        { name: 'a70', summaries: { 'default': s(110), 'best-wlc': s(100), 'best-sed': s(120) } },
        { name: 'b', summaries: { 'default': s(90), 'best-sed': s(100), 'best-nq': s(95) } },
      ],
    });
    expect(f).toMatchObject({ 'best-static-low': '0.95', 'best-static-low-scenario': 'b', 'best-static-high': '1.10', 'best-static-high-scenario': 'a70', 'steady-changes-max': '1.00' });
  });
});
