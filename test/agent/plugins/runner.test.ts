// The plugin runner with module plugins: isolation, busy skips, staleness on an injected clock, scheduling, logging.
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModulePluginSpec } from '../../../agent/plugins/plugin-contract.js';
import { PluginRunner } from '../../../agent/plugins/runner.js';
import { PROTOCOL } from '../../../shared/defaults.js';
import { AGENT_DEFAULTS } from '../../../agent/defaults.js';
import { ConfigInvalidError } from '../../../shared/errors.js';
import { pluginStatusSchema } from '../../../shared/protocol/messages.js';
import { LEVEL, memoryLogger } from '../../helpers/log-lines.js';
import { fixture } from '../../helpers/process-state.js';

const WARN = LEVEL.warn;
const INFO = LEVEL.info;

function spec(name: string, file: string, extra: Partial<ModulePluginSpec> = {}): ModulePluginSpec {
  return { kind: 'module', name, path: fixture(file), intervalMs: 1_000, timeoutMs: 5_000, options: {}, ...extra };
}

async function load<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(fixture(file)).href)) as T;
}

const switchable = await load<{ state: { fail: boolean; code: string; calls: number } }>('switchable.mjs');
const gated = await load<{ gate: { calls: number; running: number; maxRunning: number; open: () => void } }>('gated.mjs');
const barrier = await load<{ barrier: { arrived: string[] }; reset: () => void }>('barrier.mjs');

beforeEach(() => {
  Object.assign(switchable.state, { fail: false, code: 'down', calls: 0 });
  Object.assign(gated.gate, { calls: 0, running: 0, maxRunning: 0 });
  barrier.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('PluginRunner isolation', () => {
  it('a crashing, a hanging and a badly written plugin do not affect a good one', async () => {
    const { log } = memoryLogger();
    const runner = new PluginRunner(
      [
        spec('crash', 'throws.mjs'),
        spec('hang', 'hangs.mjs', { timeoutMs: 300 }),
        spec('good', 'good.mjs', { options: { limit: 9 } }),
        spec('badexport', 'bad-export.mjs'),
        spec('badvalue', 'bad-value.mjs'),
        spec('missing', 'nope.mjs'),
      ],
      log,
    );
    const results = await runner.runAll();
    expect(results.map((r) => [r.name, r.ok, r.error?.code])).toEqual([
      ['crash', false, 'PLUGIN_THREW'],
      ['hang', false, 'PLUGIN_TIMEOUT'],
      ['good', true, undefined],
      ['badexport', false, 'PLUGIN_LOAD'],
      ['badvalue', false, 'PLUGIN_OUTPUT'],
      ['missing', false, 'PLUGIN_LOAD'],
    ]);
    const snap = runner.snapshot();
    expect(snap.values).toEqual({ good_depth: 7, good_limit: 9 });
    expect(Object.keys(snap.status)).toEqual(['crash', 'hang', 'good', 'badexport', 'badvalue', 'missing']);
    expect(snap.status.crash).toMatchObject({ ok: false, error: { code: 'PLUGIN_THREW', message: 'plugin crash: database is down' } });
    expect(snap.status.hang!.error!.code).toBe('PLUGIN_TIMEOUT');
    expect(snap.status.good).toMatchObject({ ok: true });
    expect(snap.status.good!.error).toBeUndefined();
    for (const status of Object.values(snap.status)) expect(pluginStatusSchema.safeParse(status).success).toBe(true);
  });

  it('runs the plugins concurrently: two that each wait until the other has started both finish', async () => {
    // Run one after the other, the first would wait for the second until its timeout: PLUGIN_TIMEOUT.
    const parties = { options: { parties: 2 }, timeoutMs: 2_000 };
    const runner = new PluginRunner([spec('left', 'barrier.mjs', parties), spec('right', 'barrier.mjs', parties)], memoryLogger().log);
    const results = await runner.runAll();
    expect(results.map((r) => [r.name, r.error?.code ?? 'ok', r.values])).toEqual([
      ['left', 'ok', { left_met: 2 }],
      ['right', 'ok', { right_met: 2 }],
    ]);
    expect(barrier.barrier.arrived).toEqual(['left', 'right']);
  });

  it('refuses two plugins with one name', () => {
    const { log } = memoryLogger();
    expect(() => new PluginRunner([spec('a', 'good.mjs'), spec('a', 'single.mjs')], log)).toThrow(ConfigInvalidError);
  });

  it('keeps the first plugin’s value when two plugins produce the same metric name, and warns once', async () => {
    const { log, lines } = memoryLogger();
    const runner = new PluginRunner([spec('q', 'good.mjs'), spec('q_depth', 'single.mjs')], log);
    await runner.runAll();
    expect(runner.snapshot().values).toEqual({ q_depth: 7, q_limit: 0 });
    runner.snapshot();
    expect(lines.filter((l) => l.msg.includes('also produces q_depth'))).toHaveLength(1);
  });

  it('clips long error messages to what a report may carry', async () => {
    switchable.state.fail = true;
    switchable.state.code = 'x'.repeat(5_000);
    const runner = new PluginRunner([spec('sw', 'switchable.mjs')], memoryLogger().log);
    await runner.runAll();
    const status = runner.snapshot().status.sw!;
    expect(status.error!.message.length).toBeLessThanOrEqual(PROTOCOL.maxTextLength);
    expect(pluginStatusSchema.safeParse(status).success).toBe(true);
  });
});

describe('PluginRunner busy runs', () => {
  it('skips a run while the previous one is in progress, with PLUGIN_BUSY, and never overlaps', async () => {
    const runner = new PluginRunner([spec('gated', 'gated.mjs')], memoryLogger().log);
    const first = runner.runAll();
    await vi.waitFor(() => expect(gated.gate.calls).toBe(1));
    const [second] = await runner.runAll();
    expect(second!.error!.code).toBe('PLUGIN_BUSY');
    expect(runner.snapshot().status.gated).toMatchObject({ ok: false, error: { code: 'PLUGIN_BUSY' } });
    gated.gate.open();
    expect((await first)[0]).toMatchObject({ ok: true, values: { gated_value: 1 } });
    const third = runner.runAll();
    await vi.waitFor(() => expect(gated.gate.calls).toBe(2));
    gated.gate.open();
    expect((await third)[0]!.ok).toBe(true);
    expect(gated.gate.maxRunning).toBe(1);
  });

  it('a module still running after its timeout keeps the plugin busy until it settles', async () => {
    const runner = new PluginRunner([spec('gated', 'gated.mjs', { timeoutMs: 100 })], memoryLogger().log);
    expect((await runner.runAll())[0]!.error!.code).toBe('PLUGIN_TIMEOUT');
    expect((await runner.runAll())[0]!.error!.code).toBe('PLUGIN_BUSY');
    expect(gated.gate.calls).toBe(1);
    gated.gate.open();
    await vi.waitFor(async () => expect((await runner.runAll())[0]!.error?.code).not.toBe('PLUGIN_BUSY'));
    expect(gated.gate.calls).toBe(2);
    expect(gated.gate.maxRunning).toBe(1);
    gated.gate.open();
  });
});

describe('PluginRunner staleness (injected clock)', () => {
  it('reports values until they are staleAfterIntervals intervals old, then only the status with their age', async () => {
    let t = 10_000;
    const runner = new PluginRunner([spec('good', 'good.mjs', { intervalMs: 1_000 })], memoryLogger().log, () => t);
    await runner.runAll();
    const maxAge = 1_000 * AGENT_DEFAULTS.plugin.staleAfterIntervals;
    expect(runner.snapshot(10_000 + maxAge).values).toEqual({ good_depth: 7, good_limit: 0 });
    const stale = runner.snapshot(10_000 + maxAge + 1);
    expect(stale.values).toEqual({});
    expect(stale.status.good).toEqual({ ok: true, durationMs: 0, ageMs: maxAge + 1 });
    t = 20_000;
    expect(runner.snapshot().values).toEqual({});
  });

  it('a failing plugin keeps its last good values until they are stale; a plugin that never worked has no ageMs', async () => {
    let t = 0;
    const runner = new PluginRunner([spec('sw', 'switchable.mjs'), spec('crash', 'throws.mjs')], memoryLogger().log, () => t);
    await runner.runAll();
    switchable.state.fail = true;
    t = 500;
    await runner.runAll();
    const snap = runner.snapshot(600);
    expect(snap.values).toEqual({ sw_up: 1 });
    expect(snap.status.sw).toMatchObject({ ok: false, ageMs: 600, error: { code: 'PLUGIN_THREW' } });
    expect(snap.status.crash!.ageMs).toBeUndefined();
    expect(runner.snapshot(1_000 * AGENT_DEFAULTS.plugin.staleAfterIntervals + 1).values).toEqual({});
  });
});

describe('PluginRunner schedule (fake timers)', () => {
  it('runs each plugin at once and then every interval; stop() clears every timer', async () => {
    const runner = new PluginRunner([spec('sw', 'switchable.mjs', { intervalMs: 1_000, timeoutMs: 500 })], memoryLogger().log, () => Date.now());
    await runner.runAll(); // loads the module with real timers
    switchable.state.calls = 0;
    vi.useFakeTimers();
    runner.start();
    await vi.advanceTimersByTimeAsync(3_500);
    expect(switchable.state.calls).toBe(4); // at 0, 1000, 2000, 3000
    runner.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(switchable.state.calls).toBe(4);
  });

  it('a run still going when the next is due is skipped, not overlapped', async () => {
    const runner = new PluginRunner([spec('gated', 'gated.mjs', { intervalMs: 1_000, timeoutMs: 60_000 })], memoryLogger().log, () => Date.now());
    vi.useFakeTimers();
    runner.start();
    await vi.waitFor(() => expect(gated.gate.calls).toBe(1)); // the first import is real I/O
    await vi.advanceTimersByTimeAsync(3_000);
    expect(gated.gate.calls).toBe(1);
    expect(runner.snapshot().status.gated).toMatchObject({ ok: false, error: { code: 'PLUGIN_BUSY' } });
    gated.gate.open();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(gated.gate.calls).toBe(2);
    expect(gated.gate.maxRunning).toBe(1);
    runner.stop();
    gated.gate.open();
  });
});

describe('PluginRunner logging', () => {
  it('logs a failure once when it starts or its code changes, and once when it recovers', async () => {
    const { log, lines } = memoryLogger();
    const runner = new PluginRunner([spec('sw', 'switchable.mjs'), spec('good', 'good.mjs')], log);
    await runner.runAll();
    switchable.state.fail = true;
    for (let i = 0; i < 3; i++) {
      switchable.state.code = `down ${i}`;
      await runner.runAll();
    }
    switchable.state.fail = false;
    await runner.runAll();
    await runner.runAll();
    switchable.state.fail = true;
    await runner.runAll();
    const about = lines.filter((l) => l.plugin === 'sw' && l.level >= INFO);
    expect(about.map((l) => [l.level, l.code ?? null])).toEqual([
      [WARN, 'PLUGIN_THREW'],
      [INFO, null],
      [WARN, 'PLUGIN_THREW'],
    ]);
    expect(about[0]!.msg).toContain('plugin sw failed');
    expect(about[0]!.msg).toContain('service down 0');
    expect(about[1]!.msg).toBe('plugin sw recovered');
    expect(lines.filter((l) => l.plugin === 'good')).toEqual([]);
  });
});
