// The plugin runner with real executables: a crash and a hang next to good plugins, and stop() killing what runs.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PluginSpec } from '../../../agent/plugins/plugin-contract.js';
import { PluginRunner } from '../../../agent/plugins/runner.js';
import { createLogger } from '../../../shared/logging.js';
import { pluginStatusSchema } from '../../../shared/protocol/messages.js';
import { expectAllGone, fixture, killQuietly } from '../../helpers/process-state.js';

const leftovers: number[] = [];
afterEach(() => killQuietly(leftovers.splice(0)));

const log = createLogger('test', 'silent');

function exec(name: string, argv: string[], extra: Partial<PluginSpec> = {}): PluginSpec {
  return { kind: 'exec', name, argv, intervalMs: 30_000, timeoutMs: 5_000, options: {}, ...extra } as PluginSpec;
}

function pidFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'lvsf-runner-')), 'pids');
}

function readPids(file: string): number[] {
  const pids = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
  leftovers.push(...pids);
  return pids;
}

describe('PluginRunner with executables', () => {
  it('one crashing, one hanging and good plugins: the good values are there, the others say why', async () => {
    const pids = pidFile();
    const runner = new PluginRunner(
      [
        exec('crash', [fixture('exit-3.sh')]),
        exec('hang', [fixture('hang-with-children.sh')], { timeoutMs: 800, options: { pidfile: pids } }),
        exec('app', [fixture('json.sh')]),
        { kind: 'module', name: 'queue', path: fixture('good.mjs'), intervalMs: 30_000, timeoutMs: 5_000, options: {} },
      ],
      log,
    );
    await runner.runAll();
    const snap = runner.snapshot();
    expect(snap.values).toEqual({ app_ready: 1, app_latency_ms: 12.5, queue_depth: 7, queue_limit: 0 });
    expect(snap.status.crash).toMatchObject({ ok: false, error: { code: 'PLUGIN_EXIT' } });
    expect(snap.status.crash!.error!.message).toContain('cannot connect to database');
    expect(snap.status.hang).toMatchObject({ ok: false, error: { code: 'PLUGIN_TIMEOUT' } });
    expect(snap.status.app).toMatchObject({ ok: true });
    for (const status of Object.values(snap.status)) expect(pluginStatusSchema.safeParse(status).success).toBe(true);
    await expectAllGone(readPids(pids));
  });

  it('stop() kills a running executable with its children and discards its result', async () => {
    const pids = pidFile();
    const runner = new PluginRunner([exec('hang', [fixture('hang-with-children.sh')], { timeoutMs: 20_000, options: { pidfile: pids } })], log);
    runner.start();
    await expect
      .poll(() => {
        try {
          return readFileSync(pids, 'utf8').length > 0;
        } catch {
          return false;
        }
      }, { timeout: 5_000 })
      .toBe(true);
    runner.stop();
    await expectAllGone(readPids(pids));
    expect(runner.snapshot().status).toEqual({});
  });
});
