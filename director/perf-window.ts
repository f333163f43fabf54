// How busy the director is, for status: decision durations and event-loop delay over the last whole minute and now.
import { createHistogram, monitorEventLoopDelay, type IntervalHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { DIRECTOR_DEFAULTS } from './defaults.js';

/** One window's figures, in milliseconds. */
export interface PerfFigures {
  /** Length of the window the figures cover, in seconds. */
  readonly windowS: number;
  readonly decisions: number;
  readonly decisionMsP50?: number;
  readonly decisionMsP99?: number;
  readonly decisionMsMax?: number;
  readonly loopDelayMsP99?: number;
  readonly loopDelayMsMax?: number;
}

export interface PerfStatus {
  /** The last complete window (absent during the first). */
  readonly last?: PerfFigures;
  /** The window running now. */
  readonly current: PerfFigures;
}

const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
const late = (ns: number): number => Math.max(0, ms(ns - DIRECTOR_DEFAULTS.perf.loopResolutionMs * 1e6));

/**
 * Decision durations are recorded by the controller; the event-loop delay is sampled by Node every
 * `perf.loopResolutionMs`. Every `perf.windowMs` the current window becomes the last one and a new one starts.
 */
export class PerfWindow {
  private decisions: RecordableHistogram = createHistogram();
  private loop: IntervalHistogram = monitorEventLoopDelay({ resolution: DIRECTOR_DEFAULTS.perf.loopResolutionMs });
  private startedAt: number;
  private lastFigures: PerfFigures | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = now();
    this.loop.enable();
  }

  /** Records one decision's duration in milliseconds. */
  recordDecision(durationMs: number): void {
    this.rotateIfDue();
    this.decisions.record(Math.max(1, Math.round(durationMs * 1e6)));
  }

  status(): PerfStatus {
    this.rotateIfDue();
    return { ...(this.lastFigures ? { last: this.lastFigures } : {}), current: this.figures() };
  }

  stop(): void {
    this.loop.disable();
  }

  private figures(): PerfFigures {
    const d = this.decisions;
    const l = this.loop;
    const windowS = Math.round((this.now() - this.startedAt) / 100) / 10;
    return {
      windowS,
      decisions: d.count,
      ...(d.count > 0 ? { decisionMsP50: ms(d.percentile(50)), decisionMsP99: ms(d.percentile(99)), decisionMsMax: ms(d.max) } : {}),
      // Node records the time between its samples: the delay is what exceeds the sampling period.
      ...(l.count > 0 ? { loopDelayMsP99: late(l.percentile(99)), loopDelayMsMax: late(l.max) } : {}),
    };
  }

  private rotateIfDue(): void {
    if (this.now() - this.startedAt < DIRECTOR_DEFAULTS.perf.windowMs) return;
    this.lastFigures = this.figures();
    this.decisions.reset();
    this.loop.reset();
    this.startedAt = this.now();
  }
}
