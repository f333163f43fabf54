// Takes one sample: every built-in collector plus the plugins' latest values, each collector isolated from the others.
import { PROTOCOL } from '../shared/defaults.js';
import { describeError, LvsfError } from '../shared/errors.js';
import { CollectorFailedError } from './errors.js';
import { LogOnce, type Logger } from '../shared/logging.js';
import type { PluginStatus } from '../shared/protocol/messages.js';
import type { Collector, Metrics } from './collectors/collector.js';
import type { Sample } from './sample-window.js';

/** What the sampler needs from the plugin runner. */
export interface PluginValues {
  snapshot(now: number): { values: Metrics; status: Record<string, PluginStatus> };
}

/** What one collector gave in one sample. */
type CollectorResult =
  | { readonly kind: 'ok'; readonly name: string; readonly metrics: Metrics }
  | { readonly kind: 'failed'; readonly name: string; readonly error: unknown }
  | { readonly kind: 'skipped'; readonly name: string };

export class Sampler {
  private readonly logOnce = new LogOnce();

  constructor(
    private readonly collectors: readonly Collector[],
    private readonly plugins: PluginValues,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  private readonly lastRun = new Map<Collector, number>();

  async sample(): Promise<Sample> {
    const started = this.now();
    const results = await Promise.all(this.collectors.map((c) => this.run(c, started)));
    const metrics: Metrics = {};
    for (const r of results) {
      // A collector not due in this sample has neither failed nor recovered: its log state stays as it is.
      if (r.kind === 'skipped') continue;
      if (r.kind === 'ok') {
        Object.assign(metrics, r.metrics);
        if (this.logOnce.clear(r.name)) this.log.info({ collector: r.name }, `collector ${r.name} recovered`);
        continue;
      }
      const err = r.error instanceof LvsfError ? r.error : new CollectorFailedError(r.name, describeError(r.error), { cause: r.error });
      if (this.logOnce.shouldLog(r.name, err.code)) {
        this.log.warn({ collector: r.name, code: err.code }, `collector ${r.name} failed, its metrics are absent: ${err.message}`);
      }
    }
    const t = this.now();
    this.mergePluginValues(metrics, this.plugins.snapshot(t).values);
    return { t, metrics };
  }

  /** Runs one collector if it is due; never rejects. */
  private async run(c: Collector, started: number): Promise<CollectorResult> {
    const last = this.lastRun.get(c);
    // A little slack so timer jitter does not skip a collector whose interval equals the sample interval.
    const due = c.minIntervalMs === undefined || last === undefined || started - last >= c.minIntervalMs - 50;
    if (!due) return { kind: 'skipped', name: c.name };
    this.lastRun.set(c, started);
    try {
      return { kind: 'ok', name: c.name, metrics: await c.collect() };
    } catch (error) {
      return { kind: 'failed', name: c.name, error };
    }
  }

  /** Built-in metrics win over a plugin metric of the same name; the report never exceeds the protocol's count. */
  private mergePluginValues(metrics: Metrics, values: Metrics): void {
    let count = Object.keys(metrics).length;
    for (const [name, value] of Object.entries(values)) {
      if (name in metrics) {
        if (this.logOnce.shouldLog(`shadow:${name}`, 'PLUGIN_OUTPUT')) {
          this.log.warn({ metric: name }, `plugin metric ${name} has the name of a built-in metric and is dropped; rename the plugin`);
        }
        continue;
      }
      if (count >= PROTOCOL.maxMetrics) {
        if (this.logOnce.shouldLog('cap', 'PLUGIN_OUTPUT')) {
          this.log.warn({ limit: PROTOCOL.maxMetrics }, `more than ${PROTOCOL.maxMetrics} metrics in one sample; plugin metrics beyond the limit are dropped`);
        }
        continue;
      }
      metrics[name] = value;
      count++;
    }
  }
}
