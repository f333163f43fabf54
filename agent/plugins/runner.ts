// Runs every configured plugin on its own interval, isolated from the others, and keeps each one's last good values.
import { PROTOCOL } from '../../shared/defaults.js';
import { AGENT_DEFAULTS } from '../defaults.js';
import { ConfigInvalidError } from '../../shared/errors.js';
import { LogOnce, type Logger } from '../../shared/logging.js';
import type { PluginStatus } from '../../shared/protocol/messages.js';
import type { Metrics } from '../collectors/collector.js';
import type { PluginRunResult, PluginSpec } from './plugin-contract.js';
import { PluginInstance } from './plugin-instance.js';

/** What the sampler and the report builder read: current values and one status per plugin that has run. */
export interface PluginSnapshot {
  values: Metrics;
  status: Record<string, PluginStatus>;
}

interface PluginState {
  readonly instance: PluginInstance;
  timer?: NodeJS.Timeout;
  /** The latest result, good or not (including a skipped busy run). */
  last?: PluginRunResult;
  /** The latest good result. */
  lastGood?: { values: Metrics; finishedAt: number };
}

function clip(text: string): string {
  return text.length > PROTOCOL.maxTextLength ? `${text.slice(0, PROTOCOL.maxTextLength - 1)}…` : text;
}

export class PluginRunner {
  private readonly states: PluginState[];
  private readonly logOnce = new LogOnce();
  /** Aborted by stop(): module signals abort, executables' process groups are killed. */
  private controller = new AbortController();
  /** Bumped by stop(); a run that finishes in a later epoch than it started in is discarded. */
  private epoch = 0;
  private started = false;

  constructor(
    specs: readonly PluginSpec[],
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    const seen = new Set<string>();
    for (const spec of specs) {
      if (seen.has(spec.name)) throw new ConfigInvalidError('(plugins)', 'plugins', `plugin name ${JSON.stringify(spec.name)} is used twice`);
      seen.add(spec.name);
    }
    this.states = specs.map((spec) => ({ instance: new PluginInstance(spec, now) }));
  }

  /** Plugin names in config order. */
  get names(): string[] {
    return this.states.map((s) => s.instance.name);
  }

  /** Runs every plugin once, concurrently; resolves when all have finished (or timed out). Never rejects. */
  runAll(): Promise<PluginRunResult[]> {
    return Promise.all(this.states.map((s) => this.runState(s)));
  }

  /** Runs every plugin now and then on its own interval (a fixed grid, so timer drift does not add up). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const origin = this.now();
    for (const state of this.states) {
      const interval = state.instance.spec.intervalMs;
      const plan = (): void => {
        const now = this.now();
        const next = origin + (Math.floor((now - origin) / interval) + 1) * interval;
        state.timer = setTimeout(() => {
          if (!this.started) return;
          void this.runState(state);
          plan();
        }, next - now);
      };
      void this.runState(state);
      plan();
    }
  }

  /** Clears every timer and ends every run in progress (executables are killed); later results are discarded. */
  stop(): void {
    this.started = false;
    this.epoch += 1;
    for (const state of this.states) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    this.controller.abort();
    this.controller = new AbortController();
  }

  /**
   * Values of each plugin's last good run, unless older than staleAfterIntervals × its interval, and every plugin's
   * status (plugins that never finished a run yet are absent). A metric name two plugins both produce is kept from
   * the first plugin in config order.
   */
  snapshot(now: number = this.now()): PluginSnapshot {
    const values: Metrics = {};
    const status: Record<string, PluginStatus> = {};
    for (const { instance, last, lastGood } of this.states) {
      const name = instance.name;
      const maxAge = instance.spec.intervalMs * AGENT_DEFAULTS.plugin.staleAfterIntervals;
      if (lastGood && now - lastGood.finishedAt <= maxAge) {
        for (const [metric, value] of Object.entries(lastGood.values)) {
          if (Object.hasOwn(values, metric)) {
            if (this.logOnce.shouldLog(`collision:${metric}`, name)) {
              this.log.warn({ plugin: name, metric }, `plugin ${name} also produces ${metric}; the first plugin's value is kept`);
            }
            continue;
          }
          values[metric] = value;
        }
      }
      if (!last) continue;
      status[name] = {
        ok: last.ok,
        durationMs: Math.max(0, last.durationMs),
        ...(lastGood ? { ageMs: Math.max(0, now - lastGood.finishedAt) } : {}),
        ...(last.error ? { error: { code: clip(last.error.code), message: clip(last.error.message) } } : {}),
      };
    }
    return { values, status };
  }

  private async runState(state: PluginState): Promise<PluginRunResult> {
    const epoch = this.epoch;
    const result = await state.instance.run({ signal: this.controller.signal });
    if (epoch === this.epoch) this.record(state, result);
    return result;
  }

  private record(state: PluginState, result: PluginRunResult): void {
    const name = result.name;
    state.last = result;
    const stderr = result.stderr ? { stderr: result.stderr } : {};
    if (result.ok) {
      state.lastGood = { values: result.values, finishedAt: result.finishedAt };
      if (this.logOnce.clear(name)) this.log.info({ plugin: name }, `plugin ${name} recovered`);
      if (result.stderr) this.log.debug({ plugin: name, ...stderr }, `plugin ${name} wrote on stderr`);
      return;
    }
    const error = result.error;
    if (this.logOnce.shouldLog(name, error.code)) {
      // PLUGIN_EXIT messages already carry the stderr.
      const extra = error.code === 'PLUGIN_EXIT' ? {} : stderr;
      this.log.warn({ plugin: name, code: error.code, ...extra }, `plugin ${name} failed, its values are dropped once stale: ${error.message}`);
    } else if (result.stderr) {
      this.log.debug({ plugin: name, code: error.code, ...stderr }, `plugin ${name} failed again: ${error.message}`);
    }
  }
}
