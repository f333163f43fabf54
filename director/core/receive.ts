// A report taken in as it arrives: folded into its agent's smoothing at once when its grid instant is the next one due.
import type { CoreSettings, DecisionSettings } from './core-config.js';
import type { CoreEvent } from './decisions.js';
import { fmt } from './explain.js';
import type { ReceivedReport } from './observation.js';
import { ingestReport } from './report-smoothing.js';
import { byReportTime, reportTime } from './report-time.js';
import type { AgentState, CoreState } from './state.js';

/**
 * Takes one report into the state (in place), as the ingest pass would at the next decision: a report timed at or
 * before the next grid instant to decide touches only its own agent's smoothing, so folding it now or at that decision
 * gives the same state. Done at arrival, 10,000 agents' reports are folded as they come instead of all inside one
 * decision. A report timed later, or one before the first decision, waits in `pending` for its instant (advance.ts).
 * Returns what it has to say (an agent's clock beyond the skew limit).
 */
export function receiveReport(settings: CoreSettings, state: CoreState, r: ReceivedReport): CoreEvent[] {
  const d = settings.decisions;
  const next = state.decidedAt === undefined ? undefined : state.decidedAt + d.intervalMs;
  if (next === undefined || reportTime(r, d).at > next) {
    state.pending.push(r);
    if (state.pending.length > d.maxPendingPerAgent * Math.max(1, Object.keys(state.agents).length)) state.pending = boundPending(state.pending, d);
    return [];
  }
  const events: CoreEvent[] = [];
  // Its agent's reports already waiting for this same instant go in with it, oldest first, as the decision would.
  const now = [r];
  if (state.pending.length > 0) {
    const waiting = state.pending.filter((p) => p.agentId === r.agentId && reportTime(p, d).at <= next);
    if (waiting.length > 0) {
      state.pending = state.pending.filter((p) => !waiting.includes(p));
      now.push(...waiting);
      now.sort(byReportTime(d));
    }
  }
  for (const x of now) foldReport(settings, state, x, events);
  return events;
}

/** Folds one due report into its agent (unknown agents and reports older than one already folded are ignored). */
export function foldReport(settings: CoreSettings, state: CoreState, r: ReceivedReport, events: CoreEvent[]): void {
  const a = state.agents[r.agentId];
  if (!a) return;
  const { at, skewMs } = reportTime(r, settings.decisions);
  // Arrival time, the director's clock: the same whether the report is folded at arrival or at its decision.
  noteClockSkew(a, skewMs, r.receivedAt, settings.decisions.clockNoticeQuietMs, events);
  if (a.lastReportAt === undefined || at >= a.lastReportAt) ingestReport(a, r, at, settings);
}

/** Keeps the newest `max` waiting reports of each agent (a flood of reports timed ahead cannot grow the state). */
export function boundPending(reports: readonly ReceivedReport[], d: DecisionSettings): ReceivedReport[] {
  const count = new Map<string, number>();
  const kept: ReceivedReport[] = [];
  for (let i = reports.length - 1; i >= 0; i--) {
    const r = reports[i];
    if (r === undefined) continue;
    const n = count.get(r.agentId) ?? 0;
    if (n >= d.maxPendingPerAgent) continue;
    count.set(r.agentId, n + 1);
    kept.push(r);
  }
  return kept.reverse();
}

/**
 * Says when an agent's clock goes beyond the skew limit (its reports are then timed by arrival), and when it is back:
 * at most once per clockNoticeQuietMs, so a clock that flips at every report is one line a while, not one per report;
 * what it is when the quiet time ends is said then.
 */
function noteClockSkew(a: AgentState, skewMs: number | undefined, now: number, quietMs: number, events: CoreEvent[]): void {
  if (skewMs === undefined) delete a.clockSkewMs;
  else a.clockSkewMs = skewMs;
  const skewed = skewMs !== undefined;
  const said = a.clockSaid;
  if (skewed === (said?.skewed ?? false) || (said !== undefined && now - said.at < quietMs)) return;
  a.clockSaid = { skewed, at: now };
  events.push(
    skewMs !== undefined
      ? {
          kind: 'clock-skew',
          agentId: a.agentId,
          message: `agent ${a.agentId}'s clock is ${fmt(skewMs / 1000)}s off this director's: its reports are timed by their arrival here, so another director may decide a little differently (synchronise the clocks, e.g. with NTP)`,
        }
      : { kind: 'clock-skew', agentId: a.agentId, message: `agent ${a.agentId}'s clock agrees with this director's again: its reports count at their own time` },
  );
}
