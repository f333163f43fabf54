// The time a report counts at: the agent's own clock (the same on every director), unless that clock is too far off.
import type { DecisionSettings } from './core-config.js';
import type { ReceivedReport } from './observation.js';

export interface ReportTime {
  /** When the report counts: its `ts`, or its arrival when the agent's clock is off by more than the limit. */
  readonly at: number;
  /** How far the agent's clock was from this director's (ts − arrival), when it was beyond the limit. */
  readonly skewMs?: number;
}

/**
 * A report's `ts` (the agent's wall clock at the end of its interval) is the same on every director, so decisions made
 * from it do not depend on when the report happened to arrive. An agent clock further off than `maxClockSkewMs`
 * (no NTP) would put its reports in the future or the past: they are then timed by their arrival on this director.
 */
export function reportTime(r: ReceivedReport, d: DecisionSettings): ReportTime {
  const skew = r.report.ts - r.receivedAt;
  return Math.abs(skew) <= d.maxClockSkewMs ? { at: r.report.ts } : { at: r.receivedAt, skewMs: skew };
}

/** Oldest first by report time; equal times in agent order, then sequence: any arrival order gives the same order. */
export function byReportTime(d: DecisionSettings): (x: ReceivedReport, y: ReceivedReport) => number {
  return (x, y) => reportTime(x, d).at - reportTime(y, d).at || (x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0) || x.report.seq - y.report.seq;
}
