// Pass 5: which real servers are overloaded now, and what that means for the service's sorry servers.
import type { CoreEvent } from '../decisions.js';
import { updateFallback } from '../fallback.js';
import type { ServiceRows } from './roster.js';
import type { Proposal } from './targets.js';

/**
 * Overloaded: not usable for new connections by the law's own verdict (target 0), by the kernel's upper threshold
 * (its connections have reached it), by absence from the table, or by someone else's 0.
 */
export function isOverloaded({ rs, d, agent, target, thresholds }: Proposal): boolean {
  if (!d.present || d.zeroedOutside !== undefined) return true;
  if (target.weight === 0) return true;
  const conns = d.activeConns !== undefined ? d.activeConns + (d.inactiveConns ?? 0) : (agent.smoothed.means[`established_${rs.port}`] ?? agent.smoothed.means.established);
  return thresholds.upper > 0 && conns !== undefined && conns >= thresholds.upper;
}

/** Brings the sorry servers in or out (with hysteresis) from this decision's overload verdicts. */
export function judgeOverload({ svc, ss }: ServiceRows, proposals: readonly Proposal[], now: number, events: CoreEvent[]): void {
  events.push(...updateFallback(svc, ss, proposals.map(isOverloaded), now));
}
