// Runs every configured plugin on its own interval, isolated from the others, and keeps each one's last good values.
import { PROTOCOL } from '../../shared/defaults.js';
import { AGENT_DEFAULTS } from '../defaults.js';
import { ConfigInvalidError } from '../../shared/errors.js';
import { PluginBusyError } from '../errors.js';
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
  /** The slot (origin + slot × interval) of the scheduled run in progress or waited for. */
  slot: number;
  /** The latest result, good or not (including a run asked for by runAll() while busy). */
  last?: PluginRunResult;
  /** The latest good result. */
  lastGood?: { values: Metrics; finishedAt: number };
  /** Since the plugin was first found busy at a due time, until it keeps time again: runs skipped and runs on time. */
  busy?: { skipped: number; onTime: number };
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
  /** When start() was called: every plugin's runs fall on origin + k × its interval. */
  private origin = 0;

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
    this.states = specs.map((spec) => ({ instance: new PluginInstance(spec, now), slot: 0 }));
  }

  /** Plugin names in config order. */
  get names(): string[] {
    return this.states.map((s) => s.instance.name);
  }

  /** Runs every plugin once, concurrently; resolves when all have finished (or timed out). Never rejects. */
  runAll(): Promise<PluginRunResult[]> {
    return Promise.all(this.states.map((s) => this.runState(s)));
  }

  /**
   * Runs every plugin now and then on its own interval, on a fixed grid (origin + k × interval, so timer drift does not
   * add up). The next run is planned only when the previous one's work has ended (for a module, when its collect()
   * really finished, even past its timeout): runs never overlap and never queue up, and the slots that went by while a
   * run was going are skipped and counted, not made up for.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.origin = this.now();
    for (const state of this.states) {
      state.slot = 0;
      void this.runScheduled(state);
    }
  }

  private async runScheduled(state: PluginState): Promise<void> {
    const epoch = this.epoch;
    await this.runState(state);
    await state.instance.idle();
    if (!this.started || epoch !== this.epoch) return;
    const interval = state.instance.spec.intervalMs;
    const now = this.now();
    // A timer may fire a little early on the loop's clock: the slot just run is never planned again.
    const next = Math.max(state.slot + 1, Math.floor((now - this.origin) / interval) + 1);
    this.keepTime(state, next - state.slot - 1, now);
    state.slot = next;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (this.started && epoch === this.epoch) void this.runScheduled(state);
    }, this.origin + next * interval - now);
  }

  /** Logs a plugin found busy at a due time once, and once when it has kept time for busyClearRuns runs in a row. */
  private keepTime(state: PluginState, skipped: number, now: number): void {
    const { name, spec } = state.instance;
    if (skipped > 0) {
      if (state.busy) {
        state.busy.skipped += skipped;
        state.busy.onTime = 0;
        this.log.debug({ plugin: name, skipped, skippedInAll: state.busy.skipped }, `plugin ${name} was busy again: ${skipped} more skipped`);
        return;
      }
      state.busy = { skipped, onTime: 0 };
      const took = Math.round(now - state.instance.runningSince);
      this.log.warn(
        { plugin: name, code: PluginBusyError.code, skipped, runMs: took, intervalMs: spec.intervalMs },
        `plugin ${name} was still running when its next run was due: ${skipped} ${skipped === 1 ? 'run' : 'runs'} skipped (it ran ${took} ms, its interval is ${spec.intervalMs} ms); runs never overlap, and further skips are counted and said when it keeps time again`,
      );
      return;
    }
    if (!state.busy) return;
    state.busy.onTime += 1;
    if (state.busy.onTime < AGENT_DEFAULTS.plugin.busyClearRuns) return;
    const total = state.busy.skipped;
    state.busy = undefined;
    this.log.info(
      { plugin: name, skipped: total },
      `plugin ${name} keeps time again (${AGENT_DEFAULTS.plugin.busyClearRuns} runs in a row on time): ${total} ${total === 1 ? 'run was' : 'runs were'} skipped while it was busy`,
    );
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
    for (const state of this.states) {
      const { instance, lastGood } = state;
      const name = instance.name;
      const last = this.overdue(state, now) ?? state.last;
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

  /** A PLUGIN_BUSY result while a scheduled run is still going past the time the next one was due. */
  private overdue(state: PluginState, now: number): PluginRunResult | undefined {
    const { instance } = state;
    if (!this.started || !instance.busy || now < this.origin + (state.slot + 1) * instance.spec.intervalMs) return undefined;
    return { name: instance.name, ok: false, error: new PluginBusyError(instance.name), durationMs: Math.max(0, now - instance.runningSince), finishedAt: now };
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
    // A run asked for while the previous one is going is not the plugin failing (the scheduler never asks: start()).
    if (error.code === PluginBusyError.code) return;
    if (this.logOnce.shouldLog(name, error.code)) {
      // PLUGIN_EXIT messages already carry the stderr.
      const extra = error.code === 'PLUGIN_EXIT' ? {} : stderr;
      this.log.warn({ plugin: name, code: error.code, ...extra }, `plugin ${name} failed, its values are dropped once stale: ${error.message}`);
    } else if (result.stderr) {
      this.log.debug({ plugin: name, code: error.code, ...stderr }, `plugin ${name} failed again: ${error.message}`);
    }
  }
}
