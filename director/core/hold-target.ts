// What a destination does while its agent cannot move it: absent, out or edited by someone else, waiting, blackout, stale.
import type { AgentStanding } from './agent-phase.js';
import { clampWeight } from './clamp-weight.js';
import type { RealServerSettings, ServiceSettings } from './core-config.js';
import { fmt } from './explain.js';
import type { DestState } from './state.js';
import type { Target } from './target.js';

/** The hold for a destination whose agent is not live (or that is out of control's reach), undefined when live. */
export function holdTarget(svc: ServiceSettings, rs: RealServerSettings, d: DestState, standing: AgentStanding, now: number): Target | undefined {
  if (!d.present) return { weight: undefined, reason: 'absent from the kernel table', holdKind: 'absent' };
  if (d.zeroedOutside !== undefined) {
    const how = d.zeroedOutside === 'edit' ? 'set to 0 outside lvs-feedback' : 'at weight 0 when first seen';
    return { weight: undefined, reason: `${how}: out until someone else raises it (lvs-feedback never does)`, holdKind: 'out' };
  }
  if (d.heldUntil !== undefined && now < d.heldUntil) {
    return { weight: d.weight, reason: `edited outside lvs-feedback, held for ${Math.ceil((d.heldUntil - now) / 1000)}s more`, holdKind: 'external-edit' };
  }
  switch (standing.phase) {
    case 'waiting':
      return { weight: d.weight, reason: 'waiting for the agent', holdKind: 'waiting' };
    case 'blackout':
      return { weight: d.weight, reason: `agent blackout, ${Math.ceil(standing.blackoutLeftMs / 1000)}s left`, holdKind: 'blackout' };
    case 'stale':
      return staleTarget(svc, rs, d, standing.silentMs);
    case 'live':
      return undefined;
  }
}

/** A stale agent's server goes where the service's stale policy says. */
function staleTarget(svc: ServiceSettings, rs: RealServerSettings, d: DestState, silentMs: number): Target {
  const silent = `no report for ${fmt(silentMs / 1000)}s`;
  if (svc.stalePolicy === 'hold') return { weight: d.weight, reason: `agent stale (${silent}): weight held`, holdKind: 'stale' };
  if (svc.stalePolicy === 'quiesce') return { weight: 0, reason: `agent stale (${silent}): quiescing`, holdKind: 'stale' };
  if (silentMs < svc.staleHoldMs) {
    return { weight: d.weight, reason: `agent stale (${silent}): weight held, back to configured weight ${rs.baseWeight} after ${fmt(svc.staleHoldMs / 1000)}s`, holdKind: 'stale-held' };
  }
  return { weight: clampWeight(rs.baseWeight, rs), reason: `agent stale (${silent}): back to configured weight ${rs.baseWeight}`, holdKind: 'stale' };
}
