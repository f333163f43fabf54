// Pass 1: what the agents said — hellos, reports (oldest first, stale ones ignored), and each agent's new phase.
import { agentStanding } from '../agent-phase.js';
import type { CoreSettings } from '../core-config.js';
import type { CoreEvent } from '../decisions.js';
import { fmt } from '../explain.js';
import type { Observation } from '../observation.js';
import { foldReport } from '../receive.js';
import { byReportTime } from '../report-time.js';
import type { AgentPhase, CoreState } from '../state.js';

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
  for (const r of [...(obs.reports ?? [])].sort(byReportTime(settings.decisions))) foldReport(settings, state, r, events);
  for (const a of Object.values(state.agents)) {
    const standing = agentStanding(a, now, settings);
    a.phase = standing.phase;
    const was = before.get(a.agentId);
    if (standing.phase === 'stale' && was !== 'stale') events.push({ kind: 'agent-stale', agentId: a.agentId, message: `agent ${a.agentId} is stale: no report for ${fmt(standing.silentMs / 1000)}s` });
    if (standing.phase === 'live' && was !== 'live') events.push({ kind: 'agent-live', agentId: a.agentId, message: `agent ${a.agentId} is live: its reports now move its weights` });
  }
  return before;
}
