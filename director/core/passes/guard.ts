// Pass 7: never a black hole — without sorry servers in, the least-loaded present servers keep a minimum weight.
import type { CoreEvent } from '../decisions.js';
import { usableAfterGuard } from '../fallback.js';
import type { Plan } from './damp.js';
import type { ServiceRows } from './roster.js';

/** The plans with the kept servers raised to the keep weight (an alarm when there is no sorry server at all). */
export function guardAgainstBlackHole({ svc, ss }: ServiceRows, plans: readonly Plan[], events: CoreEvent[]): Plan[] {
  // The agents' figures, which every director sees alike, pick who is kept (not this director's kernel counters).
  // A destination someone else set to 0 is never a candidate: keeping it would send traffic to what they took out.
  const rows = plans.map((p) => ({ present: p.d.present && p.d.zeroedOutside === undefined, live: p.agent.phase === 'live', weight: p.weight, util: p.agent.smoothed.means.cpu_util_pct, conns: p.agent.smoothed.means.established }));
  const guard = usableAfterGuard(svc, ss, rows, events);
  const kept = new Set(guard.kept);
  return plans.map((p, i) => {
    if (!kept.has(i)) return p;
    const weight = Math.max(p.weight, svc.fallback.keepWeight);
    return { ...p, weight, reason: `${p.reason}; ${guard.why}, kept at ${weight}` };
  });
}
