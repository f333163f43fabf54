// Pass 1: what the agents said — hellos, reports (oldest first, stale ones ignored), and each agent's new phase.
import { agentStanding } from '../agent-phase.js';
import type { CoreSettings } from '../core-config.js';
import type { CoreEvent } from '../decisions.js';
import { fmt } from '../explain.js';
import type { Observation } from '../observation.js';
import { ingestReport } from '../report-smoothing.js';
import { byReportTime, reportTime } from '../report-time.js';
import type { AgentPhase, AgentState, CoreState } from '../state.js';

/**
 * Folds the observation's hellos and reports into the agents' state and sets each agent's phase, announcing agents
 * that turn stale or live. Reports count at their own time (report-time.ts); one older than a report already folded in
 * is ignored. Returns the phases before.
 */
export function ingest(settings: CoreSettings, state: CoreState, obs: Observation, events: CoreEvent[]): ReadonlyMap<string, AgentPhase> {
  const now = obs.now;
  const before = new Map(Object.values(state.agents).map((a) => [a.agentId, a.phase]));
  for (const h of obs.hellos ?? []) {
    const a = state.agents[h.agentId];
    if (a) a.host = h.host;
  }
  for (const r of [...(obs.reports ?? [])].sort(byReportTime(settings.decisions))) {
    const a = state.agents[r.agentId];
    if (!a) continue;
    const { at, skewMs } = reportTime(r, settings.decisions);
    noteClockSkew(a, skewMs, now, settings.decisions.clockNoticeQuietMs, events);
    if (a.lastReportAt === undefined || at >= a.lastReportAt) ingestReport(a, r, at, settings);
  }
  for (const a of Object.values(state.agents)) {
    const standing = agentStanding(a, now, settings);
    a.phase = standing.phase;
    const was = before.get(a.agentId);
    if (standing.phase === 'stale' && was !== 'stale') events.push({ kind: 'agent-stale', agentId: a.agentId, message: `agent ${a.agentId} is stale: no report for ${fmt(standing.silentMs / 1000)}s` });
    if (standing.phase === 'live' && was !== 'live') events.push({ kind: 'agent-live', agentId: a.agentId, message: `agent ${a.agentId} is live: its reports now move its weights` });
  }
  return before;
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
