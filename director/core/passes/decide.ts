// Pass 8: writes the decision back into the state and says what to write to the kernel, per destination and service.
import { clampWeight } from '../clamp-weight.js';
import type { CoreEvent, DestDecision, ServiceDecision } from '../decisions.js';
import { thresholdChanged } from '../thresholds.js';
import type { Plan } from './damp.js';
import type { ServiceRows } from './roster.js';

/** Why a destination's owned thresholds are what they are now, for the from → to line. */
function thresholdWhy(p: Plan): string {
  const t = p.rs.thresholds;
  if (p.thresholds.note !== undefined) return p.thresholds.note;
  const lower = p.thresholds.lower !== t.lower ? `lower ${p.thresholds.lower} (¾ of upper: configured ${t.lower} is not below it)` : `lowerThreshold ${t.lower}`;
  return `configured upperThreshold ${t.upper}, ${lower}`;
}

/** A threshold set from a metric is rewritten only past the deadband; the lower one follows the upper. */
function decideDest({ svc }: ServiceRows, p: Plan, now: number, events: CoreEvent[]): DestDecision {
  const { rs, d, target: t, thresholds: th } = p;
  const before = d.weight;
  const upperChanged = thresholdChanged(d.upper, th.upper, svc.damping.deadbandPct);
  const lowerChanged = upperChanged || (th.lower !== d.lower && th.upper === d.upper && rs.thresholds.upperFrom === undefined);
  const changed = d.present && (p.weight !== before || upperChanged || lowerChanged);
  if (d.present) {
    if (p.weight !== before) d.lastWriteAt = now;
    d.weight = p.weight;
    if (upperChanged || lowerChanged) {
      events.push({
        kind: 'thresholds',
        service: svc.name,
        destId: rs.id,
        message: `${svc.name}/${rs.id} thresholds -x ${d.upper} → ${th.upper}, -y ${d.lower} → ${th.lower}: ${thresholdWhy(p)}`,
      });
      d.upper = th.upper;
      d.lower = th.lower;
    }
  }
  d.reason = p.reason;
  if (t.holdKind !== undefined) d.holdKind = t.holdKind;
  else delete d.holdKind;
  return {
    service: svc.name,
    serviceId: svc.serviceId,
    destId: rs.id,
    agentId: rs.agentId,
    present: d.present,
    weightBefore: before,
    weight: d.weight,
    upper: d.upper,
    lower: d.lower,
    ...(t.weight !== undefined ? { target: clampWeight(t.weight, rs) } : {}),
    changed,
    reason: p.reason,
    ...(t.holdKind !== undefined ? { holdKind: t.holdKind } : {}),
  };
}

/** Every destination's decision, in config order, and the service's: sorry servers in or out, alarm. */
export function decide(service: ServiceRows, plans: readonly Plan[], now: number, events: CoreEvent[]): { dests: DestDecision[]; service: ServiceDecision } {
  const { svc, ss } = service;
  const dests = plans.map((p) => decideDest(service, p, now, events));
  return { dests, service: { service: svc.name, serviceId: svc.serviceId, sorryActive: ss.sorryActive, sorryServers: ss.sorryActive ? svc.sorryServers : [], alarm: ss.alarm } };
}
