// Pass 1: what the agents said — hellos, reports (oldest first, stale ones ignored), and each agent's new phase.
import { agentStanding } from '../agent-phase.js';
import type { CoreSettings } from '../core-config.js';
import type { CoreEvent } from '../decisions.js';
import { fmt } from '../explain.js';
import type { Observation, ReceivedReport } from '../observation.js';
import { ingestReport } from '../report-smoothing.js';
import type { AgentPhase, CoreState } from '../state.js';

/** Oldest first; reports that arrived at the same time in agent order, so any arrival order gives the same result. */
function byArrival(x: ReceivedReport, y: ReceivedReport): number {
  return x.receivedAt - y.receivedAt || (x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0);
}

/**
 * Folds the observation's hellos and reports into the agents' state and sets each agent's phase, announcing agents
 * that turn stale or live. A report older than one already folded in is ignored. Returns the phases before.
 */
export function ingest(settings: CoreSettings, state: CoreState, obs: Observation, events: CoreEvent[]): ReadonlyMap<string, AgentPhase> {
  const now = obs.now;
  const before = new Map(Object.values(state.agents).map((a) => [a.agentId, a.phase]));
  for (const h of obs.hellos ?? []) {
    const a = state.agents[h.agentId];
    if (a) a.host = h.host;
  }
  for (const r of [...(obs.reports ?? [])].sort(byArrival)) {
    const a = state.agents[r.agentId];
    if (a && (a.lastReportAt === undefined || r.receivedAt >= a.lastReportAt)) ingestReport(a, r, settings);
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
