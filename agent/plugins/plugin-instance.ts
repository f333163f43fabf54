// One configured plugin: runs it once on request (module or executable), times the run, and refuses to overlap runs.
import { PluginBusyError } from '../errors.js';
import { runExecPlugin } from './exec-plugin.js';
import { loadModulePlugin, startModuleRun } from './module-plugin.js';
import type { ModulePlugin, PluginOutcome, PluginRunOptions, PluginRunResult, PluginSpec } from './plugin-contract.js';

export class PluginInstance {
  /** The imported module, kept between runs; dropped after a failed load so the next run tries again. */
  private loaded: Promise<ModulePlugin> | undefined;
  /** Until the plugin's work really ended (a module's collect() may outlive its timeout). */
  private inFlight: Promise<void> | undefined;
  private startedAt = 0;

  constructor(
    readonly spec: PluginSpec,
    private readonly now: () => number,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** True while the previous run's work has not ended. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** When the run in progress started (meaningful while busy). */
  get runningSince(): number {
    return this.startedAt;
  }

  /** Settles when the run's work really ended: at once when idle; for a module, when its collect() finished. */
  idle(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  /** Runs the plugin once; never rejects. A run while the previous one is still busy is skipped with PLUGIN_BUSY. */
  async run(opts: PluginRunOptions = {}): Promise<PluginRunResult> {
    const t0 = this.now();
    if (this.inFlight) {
      return { name: this.name, ok: false, error: new PluginBusyError(this.name), durationMs: Math.max(0, t0 - this.startedAt), finishedAt: t0 };
    }
    this.startedAt = t0;
    const { outcome, settled } = this.start(opts);
    const inFlight: Promise<void> = settled.then(() => {
      if (this.inFlight === inFlight) this.inFlight = undefined;
    });
    this.inFlight = inFlight;
    const result = await outcome;
    const finishedAt = this.now();
    const timing = { name: this.name, durationMs: Math.max(0, finishedAt - t0), finishedAt, ...(result.stderr ? { stderr: result.stderr } : {}) };
    return result.ok ? { ...timing, ok: true, values: result.values } : { ...timing, ok: false, error: result.error };
  }

  private start(opts: PluginRunOptions): { outcome: Promise<PluginOutcome>; settled: Promise<unknown> } {
    const spec = this.spec;
    if (spec.kind === 'exec') {
      const outcome = runExecPlugin(spec, opts);
      return { outcome, settled: outcome };
    }
    const load = (): Promise<ModulePlugin> => {
      this.loaded ??= loadModulePlugin(spec.name, spec.path).catch((err: unknown) => {
        this.loaded = undefined;
        throw err;
      });
      return this.loaded;
    };
    return startModuleRun(spec, load, opts);
  }
}
