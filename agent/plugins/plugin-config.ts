// The `plugins:` entries of the agent config: their schema, and how one entry becomes a runnable PluginSpec.
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { PROTOCOL } from '../../shared/defaults.js';
import { AGENT_DEFAULTS } from '../defaults.js';
import { durationMsSchema } from '../../shared/duration.js';
import { metricNameSchema } from '../../shared/protocol/messages.js';
import type { PluginSpec } from './plugin-contract.js';

const positiveDuration = durationMsSchema.pipe(z.number().positive('must be more than 0'));

/** One plugin in the agent config: exactly one of `module` and `exec`. */
export const pluginEntrySchema = z
  .strictObject({
    /** Metric prefix: the plugin's values are reported as `<name>` or `<name>_<key>`. */
    name: metricNameSchema,
    /** A .js/.mjs/.cjs/.ts/.mts/.cts file exporting collect(ctx); relative to the config file's folder. */
    module: z.string().min(1).optional(),
    /** Program and arguments (never a shell string); a program with a `/` is relative to the config file's folder. */
    exec: z.array(z.string().min(1, 'arguments must not be empty')).min(1, 'give the program and its arguments').optional(),
    /** Passed to a module as ctx.options, to an executable as LVSF_OPTION_<KEY> environment variables. */
    options: z.record(z.string(), z.unknown()).default({}),
    interval: positiveDuration.optional(),
    timeout: positiveDuration.optional(),
    /** Executables only: working directory (relative to the config file's folder) and extra environment. */
    cwd: z.string().min(1).optional(),
    env: z.record(z.string(), z.string({ error: 'environment values must be strings (quote them in YAML)' })).optional(),
  })
  .refine((p) => (p.module === undefined) !== (p.exec === undefined), { message: 'give exactly one of module and exec', path: ['module'] })
  .refine((p) => p.exec !== undefined || (p.cwd === undefined && p.env === undefined), {
    message: 'cwd and env only apply to exec plugins',
    path: ['cwd'],
  })
  .refine((p) => p.timeout === undefined || p.timeout <= (p.interval ?? AGENT_DEFAULTS.plugin.intervalMs), {
    message: 'must not be longer than the interval',
    path: ['timeout'],
  });

export type PluginEntry = z.output<typeof pluginEntrySchema>;

/** Names used more than once, each reported once. */
export function duplicatePluginNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}

/** The `plugins:` list: at most PROTOCOL.maxPlugins entries with distinct names. */
export const pluginListSchema = z
  .array(pluginEntrySchema)
  .max(PROTOCOL.maxPlugins, `at most ${PROTOCOL.maxPlugins} plugins`)
  .superRefine((list, ctx) => {
    const firstAt = new Map<string, number>();
    list.forEach((p, i) => {
      const first = firstAt.get(p.name);
      if (first === undefined) firstAt.set(p.name, i);
      else ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `plugin name "${p.name}" is already used by plugins[${first}]` });
    });
  });

/** Turns a validated entry into a spec: defaults applied, relative paths resolved against `baseDir`. */
export function toPluginSpec(entry: PluginEntry, baseDir: string): PluginSpec {
  const intervalMs = entry.interval ?? AGENT_DEFAULTS.plugin.intervalMs;
  const timeoutMs = entry.timeout ?? Math.min(AGENT_DEFAULTS.plugin.timeoutMs, intervalMs);
  const common = { name: entry.name, intervalMs, timeoutMs, options: { ...entry.options } };
  if (entry.module !== undefined) return { kind: 'module', ...common, path: resolve(baseDir, entry.module) };
  // The schema gives an entry without `module` a non-empty `exec`; an empty program would fail to run with PLUGIN_LOAD.
  const [program = '', ...args] = entry.exec ?? [];
  // A bare command name is looked up on PATH; anything with a slash is a path.
  const argv0 = program.includes('/') && !isAbsolute(program) ? resolve(baseDir, program) : program;
  return {
    kind: 'exec',
    ...common,
    argv: [argv0, ...args],
    ...(entry.cwd !== undefined ? { cwd: resolve(baseDir, entry.cwd) } : {}),
    ...(entry.env !== undefined ? { env: { ...entry.env } } : {}),
  };
}
