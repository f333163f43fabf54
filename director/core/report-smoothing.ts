// How one agent report feeds the agent's smoothed inputs: per-metric EMAs and the completed-connection rate.
import type { CoreSettings } from './core-config.js';
import { emaNext } from './ema.js';
import type { ReceivedReport } from './observation.js';
import type { AgentState } from './state.js';

/**
 * Folds one report, counted at `at` (report-time.ts), into the agent's smoothed inputs. Each metric's mean is one sample covering the report's interval;
 * a metric the agent stops sending is dropped after the stale time, never turned into 0.
 */
export function ingestReport(a: AgentState, r: ReceivedReport, at: number, settings: CoreSettings): void {
  const returning = a.lastReportAt === undefined || at - a.lastReportAt >= settings.staleAfterMs;
  if (returning) {
    if (a.lastReportAt !== undefined) a.wasStale = true;
    a.liveSince = at;
    a.smoothed = {};
    a.smoothedAt = {};
    delete a.completedRate;
    delete a.lastEstablished;
  }
  const tau = settings.smoothing.tauMs;
  for (const [name, m] of Object.entries(r.report.metrics)) {
    a.smoothed[name] = emaNext(a.smoothed[name], m.mean, r.report.intervalMs, tau);
    a.smoothedAt[name] = at;
  }
  for (const [name, seen] of Object.entries(a.smoothedAt)) {
    if (at - seen >= settings.staleAfterMs) {
      delete a.smoothed[name];
      delete a.smoothedAt[name];
    }
  }
  const opens = r.report.metrics.tcp_passive_opens_per_s?.mean;
  const established = r.report.metrics.established?.mean;
  if (opens !== undefined) {
    const prev = a.lastEstablished;
    const growth = established !== undefined && prev !== undefined && at > prev.at ? ((established - prev.value) * 1000) / (at - prev.at) : 0;
    a.completedRate = emaNext(a.completedRate, Math.max(0, opens - growth), r.report.intervalMs, tau);
  }
  if (established !== undefined) a.lastEstablished = { value: established, at };
  else delete a.lastEstablished;
  a.lastReportAt = at;
  a.lastSeq = r.report.seq;
}
