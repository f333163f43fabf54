// Module plugins: the export shapes accepted, TypeScript via tsx, and every way a module can fail.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModulePlugin, runModulePlugin } from '../../../agent/plugins/module-plugin.js';
import type { ModulePluginSpec, PluginOutcome } from '../../../agent/plugins/plugin-contract.js';
import { fixture } from '../../helpers/process-state.js';

function spec(file: string, extra: Partial<ModulePluginSpec> = {}): ModulePluginSpec {
  return { kind: 'module', name: 'probe', path: file, intervalMs: 10_000, timeoutMs: 5_000, options: {}, ...extra };
}

function failure(outcome: PluginOutcome): { code: string; message: string } {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) throw new Error('unreachable');
  return { code: outcome.error.code, message: outcome.error.message };
}

describe('module plugin shapes', () => {
  it('export default { name, collect } with options', async () => {
    expect(await runModulePlugin(spec(fixture('good.mjs'), { name: 'queue', options: { limit: 50 } }))).toEqual({
      ok: true,
      values: { queue_depth: 7, queue_limit: 50 },
    });
    expect((await loadModulePlugin('queue', fixture('good.mjs'))).name).toBe('good');
  });

  it('a default-exported async function returning one number', async () => {
    expect(await runModulePlugin(spec(fixture('single.mjs'), { name: 'answer' }))).toEqual({ ok: true, values: { answer: 42 } });
  });

  it('a CommonJS module with a named collect', async () => {
    expect(await runModulePlugin(spec(fixture('named.cjs')))).toEqual({ ok: true, values: { probe_ready: 1 } });
  });

  it('a TypeScript module, inside an ESM package and copied to a folder without package.json (CommonJS mode)', async () => {
    expect(await runModulePlugin(spec(fixture('typed.ts'), { name: 'ts' }))).toEqual({ ok: true, values: { ts_answer: 42, ts_name_length: 2 } });
    const dir = mkdtempSync(join(tmpdir(), 'lvsf-ts-'));
    for (const ext of ['ts', 'mts']) {
      const copy = join(dir, `typed-copy.${ext}`);
      copyFileSync(fixture('typed.ts'), copy);
      expect(await runModulePlugin(spec(copy, { name: 'tsx' }))).toEqual({ ok: true, values: { tsx_answer: 42, tsx_name_length: 3 } });
    }
  });
});

describe('module plugin failures', () => {
  it('a throw → PLUGIN_THREW with its message', async () => {
    expect(failure(await runModulePlugin(spec(fixture('throws.mjs'), { name: 'db' })))).toEqual({
      code: 'PLUGIN_THREW',
      message: 'plugin db: database is down',
    });
  });

  it('a rejection with a non-Error → PLUGIN_THREW', async () => {
    expect(failure(await runModulePlugin(spec(fixture('rejects.mjs'))))).toEqual({ code: 'PLUGIN_THREW', message: 'plugin probe: no luck' });
  });

  it('a never-settling collect → PLUGIN_TIMEOUT at its timeout, and its signal is aborted', async () => {
    const mod = (await import(pathToFileURL(fixture('hangs.mjs')).href)) as { seen: { signal?: AbortSignal } };
    const t0 = performance.now();
    const outcome = await runModulePlugin(spec(fixture('hangs.mjs'), { timeoutMs: 200 }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(195);
    expect(failure(outcome)).toEqual({ code: 'PLUGIN_TIMEOUT', message: 'plugin probe: no result within 200 ms' });
    expect(mod.seen.signal?.aborted).toBe(true);
    expect((mod.seen.signal?.reason as Error).message).toBe('plugin probe: no result within 200 ms');
  });

  it('a value arriving after the timeout is ignored', async () => {
    expect(failure(await runModulePlugin(spec(fixture('late.mjs'), { timeoutMs: 100 }))).code).toBe('PLUGIN_TIMEOUT');
  });

  it('a bad return value → PLUGIN_OUTPUT', async () => {
    const f = failure(await runModulePlugin(spec(fixture('bad-value.mjs'))));
    expect(f.code).toBe('PLUGIN_OUTPUT');
    expect(f.message).toContain('collect() returned a string; return a number or an object of numbers');
  });

  it('no collect export → PLUGIN_LOAD explaining the contract', async () => {
    const f = failure(await runModulePlugin(spec(fixture('bad-export.mjs'))));
    expect(f.code).toBe('PLUGIN_LOAD');
    expect(f.message).toContain('no collect(ctx) found (it exports `name`, `value`)');
    expect(f.message).toContain('named export `collect`');
  });

  it('a missing file, a syntax error, a wrong extension → PLUGIN_LOAD', async () => {
    expect(failure(await runModulePlugin(spec(fixture('nope.mjs'))))).toEqual({
      code: 'PLUGIN_LOAD',
      message: `plugin probe: cannot load: ${fixture('nope.mjs')}: no such file`,
    });
    const syntax = failure(await runModulePlugin(spec(fixture('syntax-error.mjs'))));
    expect(syntax.code).toBe('PLUGIN_LOAD');
    expect(syntax.message).toContain('syntax-error.mjs');
    const sh = failure(await runModulePlugin(spec(fixture('json.sh'))));
    expect(sh.code).toBe('PLUGIN_LOAD');
    expect(sh.message).toContain('a module plugin must be a .js, .mjs');
  });

  it('an aborted run signal (agent stopping) ends the wait at once', async () => {
    const controller = new AbortController();
    const run = runModulePlugin(spec(fixture('hangs.mjs'), { timeoutMs: 60_000 }), { signal: controller.signal });
    controller.abort();
    expect(failure(await run).message).toContain('stopped');
  });
});
