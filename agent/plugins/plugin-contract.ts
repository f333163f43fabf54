// The contract between the agent and site admins' plugins: what a module exports, what an executable prints.
import type { LvsfError } from '../../shared/errors.js';
import type { Metrics } from '../collectors/collector.js';

/** What a module plugin's collect() receives. */
export interface PluginContext {
  /** The plugin's name from the config; its metrics are reported as `<name>` or `<name>_<key>`. */
  readonly name: string;
  /** Free-form options from the plugin's `options:` block in the agent config. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Aborted when the run times out; pass it to fetch() and child processes. */
  readonly signal: AbortSignal;
}

/** What a module plugin returns: one number, or named numbers. */
export type PluginValue = number | Record<string, number>;

/** A module plugin: `export default { name, collect }` (or the same two as named exports). */
export interface ModulePlugin {
  readonly name?: string;
  collect(ctx: PluginContext): PluginValue | Promise<PluginValue>;
}

interface PluginSpecBase {
  /** Metric prefix, from the safe alphabet. */
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ModulePluginSpec extends PluginSpecBase {
  readonly kind: 'module';
  /** Absolute path of a .js/.mjs/.ts/.mts module. */
  readonly path: string;
}

export interface ExecPluginSpec extends PluginSpecBase {
  readonly kind: 'exec';
  /** Program and arguments, never a shell string. */
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export type PluginSpec = ModulePluginSpec | ExecPluginSpec;

interface PluginRunTiming {
  readonly name: string;
  readonly durationMs: number;
  /** Clock reading (ms) when the run finished. */
  readonly finishedAt: number;
  /** What an executable wrote on stderr, capped at AGENT_DEFAULTS.plugin.maxStderrBytes (absent if nothing). */
  readonly stderr?: string;
}

/** The outcome of one run of one plugin: values named `<name>` or `<name>_<key>`, or the error. */
export type PluginRunResult = PluginRunTiming &
  (
    | { readonly ok: true; readonly values: Metrics; readonly error?: undefined }
    | { readonly ok: false; readonly error: LvsfError; readonly values?: undefined }
  );

/** What one run of one plugin produced, before the runner adds its name and timing. */
export type PluginOutcome =
  | { readonly ok: true; readonly values: Metrics; readonly stderr?: string }
  | { readonly ok: false; readonly error: LvsfError; readonly stderr?: string };

/** Options for one run of one plugin. */
export interface PluginRunOptions {
  /** Aborted when the agent stops: a module's ctx.signal is aborted, an executable's process group is killed. */
  readonly signal?: AbortSignal;
}
