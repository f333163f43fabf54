// Pass 6: how far each destination moves towards its target now: clamped target, slow start, deadband, interval, step.
import { clampWeight } from '../clamp-weight.js';
import type { ServiceSettings } from '../core-config.js';
import { damp, ladderRung, slowStartCap } from '../damping.js';
import type { Proposal } from './targets.js';

/** A destination with the weight it gets in this decision, and the explanation so far. */
export interface Plan extends Proposal {
  readonly weight: number;
  readonly reason: string;
}

/** Every destination's damped weight, with the threshold note (if any) added to its explanation. */
export function dampTowardTargets(svc: ServiceSettings, proposals: readonly Proposal[], now: number, realign: boolean): Plan[] {
  return proposals.map((p) => {
    const { weight, reason } = dampOne(svc, p, now, realign);
    const note = p.thresholds.note;
    return { ...p, weight, reason: note ? `${reason}; ${note}` : reason };
  });
}

/** The weight this decision gives one destination; records its clamped target on its state. */
function dampOne(svc: ServiceSettings, p: Proposal, now: number, realign: boolean): { weight: number; reason: string } {
  const { rs, d, target: t } = p;
  if (t.weight === undefined || !d.present) return { weight: d.weight, reason: t.reason };
  const exact = clampWeight(t.weight, rs);
  // A realignment takes the rung of what the law asks for (a hold keeps its weight as it is), within the bounds.
  const target = realign && t.holdKind === undefined ? clampWeight(ladderRung(exact, svc.referenceWeight, svc.damping), rs) : exact;
  const moved = towards(svc, p, target, now, realign);
  if (target !== exact && moved.weight !== d.weight) moved.reason = `${moved.reason} (rung ${target} of ${exact})`;
  d.target = target;
  // A realignment counts as a write for the write interval, whether or not the weight moved: it restarts alike everywhere.
  if (realign) d.lastWriteAt = now;
  return moved;
}

/** The step towards the clamped target, recording slow-start progress on the destination's state. */
function towards(svc: ServiceSettings, { rs, d, target: t }: Proposal, target: number, now: number, realign: boolean): { weight: number; reason: string } {
  // A server leaving weight 0 (quiesced, overloaded, stale) is as good as new to a *lc scheduler: ramp it.
  if (d.weight === 0 && target > 0 && !d.slowStart) d.slowStart = { startedAt: now, from: 0, cause: 'from-zero' };
  let cap: number | undefined;
  if (d.slowStart) {
    cap = slowStartCap(target, d.slowStart.from, d.slowStart.startedAt, now, svc.damping);
    if (cap === undefined) delete d.slowStart;
  }
  const cause = d.slowStart?.cause;
  if ((cause === 'returned' || cause === 'raised') && d.lastWriteAt === undefined && cap !== undefined) {
    // Put back by someone else (re-added, or raised from 0) at whatever weight: start the ramp low at once.
    const weight = Math.min(target, Math.max(rs.minWeight, Math.floor(cap)));
    const how = cause === 'returned' ? 'back in the table' : 'raised from 0 outside lvs-feedback';
    return { weight, reason: `${t.reason}; ${how}, slow start from ${weight}` };
  }
  const noise = svc.mode === 'capacity' && d.capacityErrorPct !== undefined && svc.damping.noiseErrors > 0 ? { noisePct: svc.damping.noiseErrors * d.capacityErrorPct } : {};
  const r = damp({ current: d.weight, target, referenceWeight: svc.referenceWeight, lastWriteAt: d.lastWriteAt, now, realign, ...noise, ...(cap !== undefined ? { slowStartCap: cap } : {}) }, svc.damping);
  return { weight: r.weight, reason: r.note ? `${t.reason}; ${r.note}` : t.reason };
}
