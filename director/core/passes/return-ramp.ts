// Pass 3: a server whose agent comes back from stale ramps up from where it stands (a first arrival is not a return).
import type { AgentPhase } from '../state.js';
import type { ServiceRows } from './roster.js';

/** Starts the slow start of each present server whose agent turned live again after being stale. */
export function rampReturningAgents({ rows }: ServiceRows, phasesBefore: ReadonlyMap<string, AgentPhase>, now: number): void {
  for (const { d, agent } of rows) {
    if (agent.phase === 'live' && phasesBefore.get(agent.agentId) !== 'live' && agent.wasStale && d.present && d.zeroedOutside === undefined) {
      d.slowStart = { startedAt: now, from: d.weight, cause: 'agent-back' };
    }
  }
}
