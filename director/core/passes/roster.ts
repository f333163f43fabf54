// Pass 0: pairs every configured destination with its state and its agent's, creating the entries a state lacks.
import type { CoreSettings, RealServerSettings, ServiceSettings } from '../core-config.js';
import { destKey, noSmoothedInputs, type AgentState, type CoreState, type DestState, type ServiceState } from '../state.js';
import { thresholdsFor } from '../thresholds.js';

/** One real server in this decision: its settings, its state and its agent's state (both live objects of the new state). */
export interface DestRow {
  readonly rs: RealServerSettings;
  readonly d: DestState;
  readonly agent: AgentState;
}

/** One virtual service in this decision. */
export interface ServiceRows {
  readonly svc: ServiceSettings;
  readonly ss: ServiceState;
  readonly rows: readonly DestRow[];
}

/**
 * The rows of every service, in config order. Entries the state does not have yet (the first decision, or a state
 * kept across a config change that added servers) start as at start-up: configured weight, waiting for the agent.
 */
export function rosterOf(settings: CoreSettings, state: CoreState): ServiceRows[] {
  return settings.services.map((svc) => {
    const ss = (state.services[svc.name] ??= { name: svc.name, sorryActive: false, alarm: false });
    const rows = svc.realServers.map((rs): DestRow => {
      const agent = (state.agents[rs.agentId] ??= { agentId: rs.agentId, phase: 'waiting', wasStale: false, smoothed: noSmoothedInputs(), fresh: noSmoothedInputs(), smoothedAt: {} });
      const d = (state.dests[destKey(svc.name, rs.id)] ??= newDest(svc, rs));
      return { rs, d, agent };
    });
    return { svc, ss, rows };
  });
}

function newDest(svc: ServiceSettings, rs: RealServerSettings): DestState {
  // Thresholds someone else owns are unknown until the table is read: 0 (none) stands for them until then.
  const t = thresholdsFor(rs.thresholds, new Map(), { upper: 0, lower: 0 });
  return {
    service: svc.name,
    destId: rs.id,
    agentId: rs.agentId,
    weight: rs.baseWeight,
    upper: t.upper,
    lower: t.lower,
    present: true,
    reason: 'waiting for the agent',
    holdKind: 'waiting',
  };
}
