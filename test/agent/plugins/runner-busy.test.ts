// A real plugin process that is slow at times: its runs never pile up, and being busy is logged once, not per slow run.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecPluginSpec } from '../../../agent/plugins/plugin-contract.js';
import { PluginRunner } from '../../../agent/plugins/runner.js';
import { AGENT_DEFAULTS } from '../../../agent/defaults.js';
import { LEVEL, memoryLogger, type LogLine } from '../../helpers/log-lines.js';
import { fixture } from '../../helpers/process-state.js';

const INTERVAL_MS = 100;
/** A slow run sleeps this long: more than three intervals, far less than the timeout. */
const SLOW_S = 0.35;

const runners: PluginRunner[] = [];
afterEach(() => {
  for (const r of runners.splice(0)) r.stop();
});

function flakyPlugin(): { spec: ExecPluginSpec; dir: string; runs: () => number; slowRuns: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'lvsf-busy-'));
  writeFileSync(join(dir, 'flaky'), '');
  // As on a loaded host: a run outlasts its interval without reaching its timeout.
  const spec: ExecPluginSpec = {
    kind: 'exec',
    name: 'flaky',
    argv: [fixture('slow-at-times.sh')],
    intervalMs: INTERVAL_MS,
    timeoutMs: 10_000,
    options: { dir, slow: SLOW_S },
  };
  const count = (file: string): number => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim().split('\n').length : 0);
  const runs = (): number => (existsSync(join(dir, 'runs')) ? Number(readFileSync(join(dir, 'runs'), 'utf8')) : 0);
  return { spec, dir, runs, slowRuns: () => count('slow-runs') };
}

/** What the runner said about the plugin at info level and above: [level, message]. */
const said = (lines: readonly LogLine[]): [number, string][] => lines.filter((l) => l.plugin === 'flaky' && l.level >= LEVEL.info).map((l) => [l.level, l.msg]);

describe('PluginRunner with a plugin that is slow at times', () => {
  it('skips the runs due while it is busy, says so once, and once more when it has kept time again', async () => {
    const { log, lines } = memoryLogger();
    const plugin = flakyPlugin();
    const runner = new PluginRunner([plugin.spec], log);
    runners.push(runner);
    runner.start();

    // Four slow runs, each followed by a quick one: busy, on time, busy, on time…
    await vi.waitFor(() => expect(plugin.slowRuns()).toBeGreaterThanOrEqual(4), { timeout: 20_000, interval: 20 });
    const busy = said(lines);
    expect(busy).toHaveLength(1);
    expect(busy[0]![0]).toBe(LEVEL.warn);
    expect(busy[0]![1]).toMatch(/^plugin flaky was still running when its next run was due: \d+ runs? skipped/);

    // Quick from now on: after busyClearRuns runs in a row on time, one line with the count.
    rmSync(join(plugin.dir, 'flaky'));
    const slow = plugin.slowRuns();
    await vi.waitFor(() => expect(said(lines)).toHaveLength(2), { timeout: 20_000, interval: 20 });
    runner.stop();
    const [level, msg] = said(lines)[1]!;
    expect(level).toBe(LEVEL.info);
    const skipped = Number(/(\d+) runs? (?:was|were) skipped/.exec(msg)?.[1]);
    // Each slow run outlasted at least three intervals.
    expect(skipped).toBeGreaterThanOrEqual(3 * slow);
    expect(msg).toMatch(new RegExp(`^plugin flaky keeps time again \\(${AGENT_DEFAULTS.plugin.busyClearRuns} runs in a row on time\\): `));
    expect(existsSync(join(plugin.dir, 'overlapped'))).toBe(false);
  });

  it('never starts a run while one is going, nor makes up the skipped ones afterwards', async () => {
    const plugin = flakyPlugin();
    const runner = new PluginRunner([plugin.spec], memoryLogger().log);
    runners.push(runner);
    runner.start();
    await vi.waitFor(() => expect(plugin.slowRuns()).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 20 });
    runner.stop();
    expect(existsSync(join(plugin.dir, 'overlapped'))).toBe(false);
    // Every other run is slow and outlasts three intervals: nothing runs in between, nothing is run to catch up.
    expect(plugin.runs()).toBeLessThanOrEqual(2 * plugin.slowRuns() + 2);
  });
});
