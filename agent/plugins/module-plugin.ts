// Loads a JavaScript/TypeScript module plugin and runs its collect(ctx) once, with a timeout and an abort signal.
//
// A module plugin runs in the agent's own thread. A timeout can abort its signal and stop waiting for it, but it
// cannot pre-empt a synchronous infinite loop or a long computation: that would stall the whole agent. Heavy or
// untrusted code belongs in an executable plugin, which runs in its own process group and is killed at its timeout.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError, LvsfError } from '../../shared/errors.js';
import { PluginLoadError, PluginOutputError, PluginThrewError, PluginTimeoutError } from '../errors.js';
import { normalizePluginValue } from './parse-output.js';
import type { ModulePlugin, ModulePluginSpec, PluginContext, PluginOutcome, PluginRunOptions } from './plugin-contract.js';

/** Extensions loaded with import() as they are. */
export const JS_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;
/** Extensions compiled on the fly by tsx. */
export const TS_EXTENSIONS = ['.ts', '.mts', '.cts'] as const;
const TS_SET: ReadonlySet<string> = new Set(TS_EXTENSIONS);
const MODULE_SET: ReadonlySet<string> = new Set([...JS_EXTENSIONS, ...TS_EXTENSIONS]);

const MODULE_CONTRACT =
  'a module plugin exports `default { name?, collect(ctx) }`, a default function collect(ctx), or a named export `collect`';

export function isModulePath(path: string): boolean {
  return MODULE_SET.has(extname(path).toLowerCase());
}

// What a plugin's collect() returns is checked by normalizePluginValue, so calling it as an untyped function is safe.
function asPlugin(candidate: unknown): ModulePlugin | undefined {
  if (typeof candidate === 'function') return { collect: (ctx) => candidate(ctx) };
  if (candidate !== null && typeof candidate === 'object' && 'collect' in candidate) {
    const collect = candidate.collect;
    if (typeof collect === 'function') {
      const name = 'name' in candidate && typeof candidate.name === 'string' ? { name: candidate.name } : {};
      return { ...name, collect: (ctx) => collect.call(candidate, ctx) };
    }
  }
  return undefined;
}

/** Imports `path` (absolute) and finds its collect(). Throws PluginLoadError. */
export async function loadModulePlugin(name: string, path: string): Promise<ModulePlugin> {
  const ext = extname(path).toLowerCase();
  if (!isModulePath(path)) {
    throw new PluginLoadError(name, `${path}: a module plugin must be a ${[...JS_EXTENSIONS, ...TS_EXTENSIONS].join(', ')} file`);
  }
  if (!existsSync(path)) throw new PluginLoadError(name, `${path}: no such file`);
  // A module namespace: import() gives it untyped; every export is inspected before use.
  let mod: Record<string, unknown>;
  try {
    mod = TS_SET.has(ext)
      ? // The TypeScript loader is loaded only when a .ts plugin is configured: it costs the agent memory otherwise.
        await (await import('tsx/esm/api')).tsImport(pathToFileURL(path).href, import.meta.url)
      : await import(pathToFileURL(path).href);
  } catch (err) {
    throw new PluginLoadError(name, `${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const def = mod.default;
  // `export default` of a .ts file compiled as CommonJS (no "type": "module" nearby) arrives as default.default.
  const nestedDefault = def !== null && typeof def === 'object' && 'default' in def ? def.default : undefined;
  const plugin = asPlugin(def) ?? asPlugin({ collect: mod.collect, name: mod.name }) ?? asPlugin(nestedDefault);
  if (!plugin) {
    const exported = Object.keys(mod).sort().map((k) => `\`${k}\``).join(', ') || 'nothing';
    throw new PluginLoadError(name, `${path}: no collect(ctx) found (it exports ${exported}); ${MODULE_CONTRACT}`);
  }
  return plugin;
}

/** One run in progress: `outcome` settles at the result or the timeout; `settled` when collect() really finished. */
export interface ModuleRun {
  readonly outcome: Promise<PluginOutcome>;
  readonly settled: Promise<void>;
}

/**
 * Starts one run: loads the plugin (through `load`, which the caller may memoize) and calls collect(ctx). At the
 * timeout ctx.signal is aborted and the outcome is PLUGIN_TIMEOUT; whatever collect() does later is ignored.
 */
export function startModuleRun(spec: ModulePluginSpec, load: () => Promise<ModulePlugin>, opts: PluginRunOptions = {}): ModuleRun {
  const controller = new AbortController();
  const ctx: PluginContext = { name: spec.name, options: spec.options, signal: controller.signal };
  let timer: NodeJS.Timeout | undefined;

  const work = (async (): Promise<PluginOutcome> => {
    let plugin: ModulePlugin;
    try {
      plugin = await load();
    } catch (err) {
      return { ok: false, error: err instanceof LvsfError ? err : new PluginLoadError(spec.name, String(err), { cause: err }) };
    }
    let value: unknown;
    try {
      value = await plugin.collect(ctx);
    } catch (err) {
      return { ok: false, error: new PluginThrewError(spec.name, err) };
    }
    try {
      return { ok: true, values: normalizePluginValue(spec.name, value) };
    } catch (err) {
      return { ok: false, error: err instanceof LvsfError ? err : new PluginOutputError(spec.name, describeError(err)) };
    }
  })();

  const cutOff = new Promise<PluginOutcome>((resolve) => {
    timer = setTimeout(() => {
      const error = new PluginTimeoutError(spec.name, spec.timeoutMs);
      controller.abort(error);
      resolve({ ok: false, error });
    }, spec.timeoutMs);
    const onStop = (): void => {
      clearTimeout(timer);
      // The runner discards results after stop(); this only ends the wait.
      const error = new PluginThrewError(spec.name, new Error('stopped: the agent is shutting down'));
      controller.abort(error);
      resolve({ ok: false, error });
    };
    if (opts.signal?.aborted) onStop();
    else opts.signal?.addEventListener('abort', onStop, { once: true });
    void work.finally(() => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onStop);
    });
  });

  return { outcome: Promise.race([work, cutOff]), settled: work.then(() => undefined) };
}

/** Loads and runs a module plugin once (no memoized load): for tests and one-off runs. */
export function runModulePlugin(spec: ModulePluginSpec, opts: PluginRunOptions = {}): Promise<PluginOutcome> {
  return startModuleRun(spec, () => loadModulePlugin(spec.name, spec.path), opts).outcome;
}
