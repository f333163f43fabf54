// The values an expression sees for one destination: smoothed agent metrics plus what the director derives.
import type { RealServerSettings, ServiceSettings } from './core-config.js';
import type { AgentState, DestState } from './state.js';

export interface ScopeExtras {
  /** The connection rate used for this destination's capacity estimate. */
  readonly connRate?: number;
  /** Mean capacity of the service's live servers. */
  readonly meanCapacity?: number;
}

export function buildScope(svc: ServiceSettings, rs: RealServerSettings, agent: AgentState, d: DestState, extras: ScopeExtras): Map<string, number> {
  const scope = new Map<string, number>();
  const means = agent.smoothed.means;
  for (const k in means) scope.set(k, means[k] as number);
  const swapIn = agent.smoothed.means.swap_in_pages_per_s;
  const swapOut = agent.smoothed.means.swap_out_pages_per_s;
  if (swapIn !== undefined && swapOut !== undefined) scope.set('swap_pages_per_s', swapIn + swapOut);
  if (agent.host) scope.set('cores', agent.host.cores);
  scope.set('base_weight', rs.baseWeight);
  scope.set('reference_weight', svc.referenceWeight);
  scope.set('weight', d.weight);
  if (d.capacity !== undefined) {
    scope.set('capacity', d.capacity);
    if (extras.meanCapacity !== undefined && extras.meanCapacity > 0) scope.set('capacity_share', d.capacity / extras.meanCapacity);
  }
  if (d.activeConns !== undefined) scope.set('active_conns', d.activeConns);
  if (d.inactiveConns !== undefined) scope.set('inactive_conns', d.inactiveConns);
  if (extras.connRate !== undefined) scope.set('conn_rate', extras.connRate);
  return scope;
}
