// How one agent report feeds the agent's smoothed inputs: per-metric EMAs and the completed-connection rate.
import { addToBatch } from './capacity-noise.js';
import type { CoreSettings } from './core-config.js';
import { emaAlpha, emaNext, emaStep } from './ema.js';
import type { MetricStat } from '../../shared/protocol/messages.js';
import type { ReceivedReport } from './observation.js';
import { noSmoothedInputs, type AgentState } from './state.js';

/**
 * Folds one report, counted at `at` (report-time.ts), into the agent's smoothed inputs. Each metric's mean is one
 * sample covering the report's interval; a metric the agent stops sending is dropped after the stale time, never
 * turned into 0. Every mean runs twice: the one in use, and a fresh one started at the current window's grid time that
 * replaces it when the next window begins. A mean in use has thus seen the reports of one to two windows and nothing
 * older, so two directors that received the same reports for two windows hold the same means, bit for bit, whatever
 * they saw before (one started later, or lost a report).
 */
export function ingestReport(a: AgentState, r: ReceivedReport, at: number, settings: CoreSettings): void {
  const window = Math.floor(at / settings.smoothing.windowMs);
  const returning = a.lastReportAt === undefined || at - a.lastReportAt >= settings.staleAfterMs;
  if (returning) {
    if (a.lastReportAt !== undefined) a.wasStale = true;
    a.liveSince = at;
    a.smoothed = noSmoothedInputs();
    a.fresh = noSmoothedInputs();
    a.smoothedAt = {};
    delete a.lastEstablished;
  } else if (window !== a.window) {
    a.smoothed = a.fresh;
    a.fresh = noSmoothedInputs();
  }
  a.window = window;
  const runs = [a.smoothed, a.fresh];
  const tau = settings.smoothing.tauMs;
  const dt = coveredMs(a, r, at, returning, settings);
  // One sample weight for every metric of the report (emaNext's, computed once: 25,000 reports a second at scale).
  const alpha = emaAlpha(dt, tau);
  const { means: inUse } = a.smoothed;
  const { means: fresh } = a.fresh;
  const metrics = r.report.metrics;
  for (const name in metrics) {
    const sample = (metrics[name] as MetricStat).mean;
    inUse[name] = emaStep(inUse[name], sample, alpha);
    fresh[name] = emaStep(fresh[name], sample, alpha);
    a.smoothedAt[name] = at;
  }
  for (const name in a.smoothedAt) {
    if (at - (a.smoothedAt[name] ?? at) >= settings.staleAfterMs) {
      delete inUse[name];
      delete fresh[name];
      delete a.smoothedAt[name];
    }
  }
  const opens = r.report.metrics.tcp_passive_opens_per_s?.mean;
  const established = r.report.metrics.established?.mean;
  if (opens !== undefined) {
    const prev = a.lastEstablished;
    // Over the time the two counts are apart, never less than the interval the report covers (at most the stale
    // time): reports that arrive bunched (a director behind, its agents timed by arrival) would otherwise turn a small
    // growth into a large rate.
    const apart = prev === undefined ? 0 : Math.max(at - prev.at, Math.min(r.report.intervalMs, settings.staleAfterMs));
    const growth = established !== undefined && prev !== undefined && apart > 0 ? ((established - prev.value) * 1000) / apart : 0;
    const completed = Math.max(0, opens - growth);
    const util = r.report.metrics.cpu_util_pct?.mean;
    for (const run of runs) {
      run.completedRate = emaNext(run.completedRate, completed, dt, tau);
      if (util !== undefined) run.capacityNoise = addToBatch(run.capacityNoise ?? {}, completed, util / 100, dt, at, settings.smoothing.noiseBatchMs, settings.smoothing.noiseSpanMs);
    }
  }
  if (established !== undefined) a.lastEstablished = { value: established, at };
  else delete a.lastEstablished;
  a.lastReportAt = at;
  a.lastSeq = r.report.seq;
}

/**
 * How much time one report's means stand for in the smoothing: the interval the agent claims, but never more than the
 * time since its previous report (or, for the first of a run, the stale time). One report that claims an hour would
 * otherwise outweigh every report before it.
 */
function coveredMs(a: AgentState, r: ReceivedReport, at: number, returning: boolean, settings: CoreSettings): number {
  const since = returning || a.lastReportAt === undefined ? settings.staleAfterMs : at - a.lastReportAt;
  return Math.max(0, Math.min(r.report.intervalMs, since, settings.staleAfterMs));
}
