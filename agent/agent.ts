// The running agent: samples on a steady clock, runs plugins, and feeds one independent link per director.
import { PROTOCOL } from '../shared/defaults.js';
import type { Logger } from '../shared/logging.js';
import type { HelloMessage, HostFacts, ReportMessage } from '../shared/protocol/messages.js';
import { VERSION } from '../shared/version.js';
import { createCollectors } from './collectors/registry.js';
import { readHostFacts } from './collectors/host-facts.js';
import type { AgentConfig } from './config.js';
import { DirectorLink, type ReportSource } from './director-link.js';
import { PluginRunner } from './plugins/runner.js';
import { Sampler } from './sampler.js';
import { SampleWindow, summarize } from './sample-window.js';

/** Monotonic milliseconds. */
const monotonicNow = (): number => performance.now();
/** Reports kept for the other links of the same instant (directors asking for different intervals each need one). */
const SHARED_REPORTS_KEPT = 8;

export class Agent implements ReportSource {
  readonly window: SampleWindow;
  readonly links: DirectorLink[] = [];
  private readonly plugins: PluginRunner;
  private readonly sampler: Sampler;
  private host: HostFacts | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** In 'once' mode, settles when every plugin has run once. */
  pluginsOnce: Promise<void> = Promise.resolve();
  private running = false;
  /** The last reports built, by `ts/intervalMs`, without their per-link sequence number. */
  private readonly reports = new Map<string, Omit<ReportMessage, 'seq'>>();
  /** Samples skipped because the previous one had not finished (slow /proc, overloaded host). */
  samplesSkipped = 0;

  constructor(
    readonly config: AgentConfig,
    private readonly log: Logger,
  ) {
    this.window = new SampleWindow(Math.ceil(PROTOCOL.maxReportIntervalMs / config.sampleIntervalMs) + 2);
    this.plugins = new PluginRunner(config.plugins, log, monotonicNow);
    this.sampler = new Sampler(createCollectors({ procRoot: config.procRoot, ports: config.ports }), this.plugins, log, monotonicNow);
  }

  now(): number {
    return monotonicNow();
  }

  hello(token: string): HelloMessage {
    return {
      type: 'hello',
      protocol: PROTOCOL.current,
      agentId: this.config.id,
      token,
      agentVersion: VERSION,
      host: this.host ?? { hostname: this.config.id, cores: 1 },
      ports: [...this.config.ports],
    };
  }

  wallNow(): number {
    return Date.now();
  }

  builtSince(intervalMs: number, afterTs: number): number[] {
    return [...this.reports.values()].filter((r) => r.intervalMs === intervalMs && r.ts > afterTs).map((r) => r.ts).sort((a, b) => a - b);
  }

  /**
   * The report of the interval ending at wall-clock `ts`, built once from the samples of the last `intervalMs` and
   * handed to every link that asks for that instant: every director gets the same contents and the same `ts`.
   */
  report(ts: number, intervalMs: number, seq: number): ReportMessage {
    const key = `${ts}/${intervalMs}`;
    let body = this.reports.get(key);
    if (body === undefined) {
      const until = monotonicNow();
      let samples = this.window.between(until - intervalMs, until);
      if (samples.length === 0) {
        const latest = this.window.latest();
        samples = latest ? [latest] : [];
      }
      body = { type: 'report', ts, intervalMs, metrics: summarize(samples), plugins: this.plugins.snapshot(until).status };
      this.reports.set(key, body);
      // One entry per director's interval is all that is ever asked for again; older ones go.
      for (const old of this.reports.keys()) if (this.reports.size > SHARED_REPORTS_KEPT) this.reports.delete(old);
    }
    return { ...body, seq };
  }

  /**
   * Starts sampling. 'run': plugins on their schedules and one link per configured director. 'once': every plugin
   * runs once (the returned promise of `pluginsOnce` settles when they all finished) and nothing connects.
   */
  async start(mode: 'run' | 'once' = 'run'): Promise<void> {
    this.running = true;
    this.host = await readHostFacts(this.config.procRoot);
    if (mode === 'run') this.plugins.start();
    else this.pluginsOnce = this.plugins.runAll().then(() => undefined);
    await this.takeSample(); // primes the rate collectors
    this.scheduleSamples(monotonicNow());
    if (mode === 'once') return;
    for (const target of this.config.directors) {
      const link = new DirectorLink(target, this, this.config.reportIntervalMs, this.log);
      this.links.push(link);
      link.start();
    }
  }

  stop(): void {
    this.running = false;
    if (this.sampleTimer) clearTimeout(this.sampleTimer);
    this.sampleTimer = undefined;
    for (const link of this.links) link.stop();
    this.plugins.stop();
  }

  /** Takes one more sample now (after waiting for one in progress), so a report built next includes fresh values. */
  async settle(): Promise<void> {
    await this.inFlight;
    await this.takeSample();
  }

  /**
   * Samples on a fixed grid (start + k × interval) so timer drift does not accumulate. A timer may fire a little before
   * its slot (timers count from the event loop's clock, read before the work that set them): a slot is never sampled
   * twice.
   */
  private scheduleSamples(origin: number): void {
    const interval = this.config.sampleIntervalMs;
    let slot = 0;
    const tick = (): void => {
      if (!this.running) return;
      const now = monotonicNow();
      slot = Math.max(slot + 1, Math.floor((now - origin) / interval) + 1);
      this.sampleTimer = setTimeout(() => {
        void this.takeSample().finally(tick);
      }, origin + slot * interval - now);
    };
    tick();
  }

  private takeSample(): Promise<void> {
    if (this.inFlight) {
      this.samplesSkipped += 1;
      return this.inFlight;
    }
    this.inFlight = this.sampler
      .sample()
      .then((s) => this.window.push(s))
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
