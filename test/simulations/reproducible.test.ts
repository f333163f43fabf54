import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeResults } from '../../simulations/report/write-results.js';
import { runAll } from '../../simulations/run.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('simulation results', () => {
  it('are byte-identical when regenerated with the same seeds', () => {
    const out = [0, 1].map(() => {
      const dir = mkdtempSync(join(tmpdir(), 'lvsf-sim-'));
      dirs.push(dir);
      writeResults(runAll({ scenarios: ['a70', 'b'], seeds: 1, timeScale: 0.2 }), dir);
      return dir;
    });
    const files = readdirSync(out[0]!).sort();
    expect(files).toEqual(expect.arrayContaining(['results.md', 'results.json', 'p99.svg', 'series-a70-capacity-nq.svg']));
    for (const f of files) expect(readFileSync(join(out[1]!, f), 'utf8'), f).toBe(readFileSync(join(out[0]!, f), 'utf8'));
    expect(readFileSync(join(out[0]!, 'results.md'), 'utf8')).toMatch(/\| lvs-feedback default: capacity mode, nq \| [\d.]+ \| [\d.]+ \|/);
  });
});
