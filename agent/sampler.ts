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
    const due = this.collectors.map((c) => {
      const last = this.lastRun.get(c);
      // A little slack so timer jitter does not skip a collector whose interval equals the sample interval.
      return c.minIntervalMs === undefined || last === undefined || started - last >= c.minIntervalMs - 50;
    });
    const results = await Promise.allSettled(
      this.collectors.map((c, i) => {
        if (!due[i]) return Promise.resolve({});
        this.lastRun.set(c, started);
        return c.collect();
      }),
    );
    const metrics: Metrics = {};
    results.forEach((r, i) => {
      const name = this.collectors[i]!.name;
      if (r.status === 'fulfilled') {
        Object.assign(metrics, r.value);
        if (this.logOnce.clear(name)) this.log.info({ collector: name }, `collector ${name} recovered`);
        return;
      }
      const err = r.reason instanceof LvsfError ? r.reason : new CollectorFailedError(name, describeError(r.reason), { cause: r.reason });
      if (this.logOnce.shouldLog(name, err.code)) {
        this.log.warn({ collector: name, code: err.code }, `collector ${name} failed, its metrics are absent: ${err.message}`);
      }
    });
    const t = this.now();
    this.mergePluginValues(metrics, this.plugins.snapshot(t).values);
    return { t, metrics };
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
