// Pass 2: brings each destination in line with the kernel's table: absence, return, adoption at start, edits by others.
import type { CoreSettings, ServiceSettings } from '../core-config.js';
import type { CoreEvent } from '../decisions.js';
import { emaNext } from '../ema.js';
import { fmt } from '../explain.js';
import { IPVS_ESTIMATOR_PERIOD_MS } from '../../kernel/ipvs/names.js';
import type { KernelDest, Observation } from '../observation.js';
import type { DestState } from '../state.js';
import type { ServiceRows } from './roster.js';

/** Every destination of the service against the table; without a view (none read) they keep what was last known. */
export function syncWithKernel(settings: CoreSettings, { svc, rows }: ServiceRows, obs: Observation, events: CoreEvent[]): void {
  if (!obs.kernel) return;
  const kernelSvc = obs.kernel.services[svc.serviceId];
  if (kernelSvc === undefined && rows.some((r) => r.d.present)) {
    events.push({ kind: 'service-missing', service: svc.name, message: `virtual service ${svc.name} (${svc.serviceId}) is not in the kernel's table: reported, not created` });
  }
  for (const { rs, d } of rows) syncDest(settings, svc, d, kernelSvc?.[rs.id], obs.now, events);
}

/** One destination against its row in the table (undefined: not in the table). */
function syncDest(settings: CoreSettings, svc: ServiceSettings, d: DestState, live: KernelDest | undefined, now: number, events: CoreEvent[]): void {
  if (live === undefined) {
    if (d.present) events.push({ kind: 'dest-absent', service: svc.name, destId: d.destId, message: `${svc.name}/${d.destId} is not in the kernel's table: left absent (a health checker's decision), not re-added` });
    d.present = false;
    d.kernelWeight = undefined;
    // Added again later, the kernel counts its connections from 0: the count read before this absence is no reference.
    clearReference(d);
    return;
  }
  const returned = !d.present;
  d.present = true;
  if (returned) {
    events.push({ kind: 'dest-returned', service: svc.name, destId: d.destId, message: `${svc.name}/${d.destId} is back in the kernel's table with weight ${live.weight}: slow start` });
    d.slowStart = { startedAt: now, from: 0, cause: 'returned' };
    d.lastWriteAt = undefined;
    delete d.zeroedOutside;
    delete d.heldUntil;
  }
  if (d.kernelWeight === undefined) {
    // First sight (start or return): adopt what the kernel has, so a restart causes no jump. A 0 found here was set by
    // someone (a health checker, a person, an earlier run): lvs-feedback cannot tell who, so it is out until raised.
    d.weight = live.weight;
    if (live.weight === 0) markOut(svc, d, 'found', events);
  } else if (live.weight !== d.kernelWeight && live.weight !== d.weight) {
    // Changed by someone else since the last read (a write of ours that did not land leaves the old value instead).
    if (live.weight === 0) {
      markOut(svc, d, 'edit', events);
    } else if (d.kernelWeight === 0) {
      // Raised from 0 by someone else (keepalived restoring a recovered server): a return, ramped from there.
      events.push({ kind: 'dest-raised', service: svc.name, destId: d.destId, message: `${svc.name}/${d.destId} raised from 0 to ${live.weight} outside lvs-feedback: a return, slow start` });
      delete d.zeroedOutside;
      delete d.heldUntil;
      d.slowStart = { startedAt: now, from: 0, cause: 'raised' };
      d.lastWriteAt = undefined;
    } else {
      d.heldUntil = now + settings.externalEditHoldMs;
      events.push({
        kind: 'external-edit',
        service: svc.name,
        destId: d.destId,
        message: `${svc.name}/${d.destId} weight changed outside lvs-feedback (${d.weight} → ${live.weight}): left alone for ${fmt(settings.externalEditHoldMs / 1000)}s`,
      });
    }
    d.weight = live.weight;
  } else if (live.weight !== d.weight) {
    d.weight = live.weight;
  }
  d.upper = live.upper;
  d.lower = live.lower;
  d.kernelWeight = live.weight;
  updateCounters(d, live, now, settings.smoothing.tauMs);
}

/** Someone else's 0: the destination is out, and lvs-feedback will not raise it. */
function markOut(svc: ServiceSettings, d: DestState, why: 'edit' | 'found', events: CoreEvent[]): void {
  if (d.zeroedOutside === undefined) {
    const how = why === 'edit' ? 'set to 0 outside lvs-feedback' : 'found at weight 0';
    events.push({ kind: 'dest-out', service: svc.name, destId: d.destId, message: `${svc.name}/${d.destId} ${how} (a health checker's or a person's decision): out, never raised by lvs-feedback; it returns when someone else raises it` });
  }
  d.zeroedOutside = why;
  delete d.heldUntil;
  delete d.slowStart;
}

/** The kernel's connection counters, and the smoothed rate at which the server completes connections. */
function updateCounters(d: DestState, live: KernelDest, now: number, tauMs: number): void {
  const sample = live.conns !== undefined && Number.isFinite(live.conns) ? fromConns(d, live, live.conns, now) : fromCps(d, live, now);
  if (sample !== undefined) {
    d.kernelRate = emaNext(d.kernelRate, sample.perS, sample.dtMs, tauMs);
    d.kernelRateAt = now;
  }
  d.activeConns = live.activeConns;
  d.inactiveConns = live.inactiveConns;
}

interface RateSample {
  /** Connections completed per second over the sample's time. */
  readonly perS: number;
  readonly dtMs: number;
}

/**
 * New connections per second minus the growth of the active ones, over `dtMs`: new connections alone overstate the
 * capacity of a server that is falling behind (its queue grows instead).
 */
function completed(opened: number, activeBefore: number | undefined, activeNow: number | undefined, dtMs: number): RateSample {
  const growth = dtMs > 0 && activeBefore !== undefined && activeNow !== undefined ? ((activeNow - activeBefore) * 1000) / dtMs : 0;
  return { perS: Math.max(0, opened - growth), dtMs };
}

/**
 * A counter that has not moved this long has been through at least one run of the kernel's estimator with nothing
 * new: 0 is then a sample. The half period on top covers the spread of the director's reads around its grid.
 */
const QUIET_MS = IPVS_ESTIMATOR_PERIOD_MS * 1.5;

/**
 * From the kernel's cumulative Conns counter: its difference since the reference (where the last sample ended), over
 * the time since then — the same count the model keeps, so the live director and the simulations estimate alike.
 * ipvsadm's Conns moves only when the kernel's estimator runs (every 2 s), so a counter that has not moved since the
 * reference is a sample (0) only once an estimator run has surely passed; until then the reference stays, and the
 * next sample spans the whole time (decisions every second see a steady 20/s as 20, 20, not 0, 40, 0, 40). None at
 * the first sight; none when the counter went backwards (the destination or its service was added again and the
 * kernel counts from 0): the reference starts over there.
 */
function fromConns(d: DestState, live: KernelDest, conns: number, now: number): RateSample | undefined {
  const before = d.kernelConns;
  const at = d.kernelConnsAt;
  if (before !== undefined && at !== undefined && conns >= before && now > at) {
    const dtMs = now - at;
    if (conns === before && dtMs < QUIET_MS) return undefined;
    const sample = completed(((conns - before) * 1000) / dtMs, d.kernelConnsActive, live.activeConns, dtMs);
    setReference(d, conns, now, live.activeConns);
    return sample;
  }
  setReference(d, conns, now, live.activeConns);
  return undefined;
}

function setReference(d: DestState, conns: number, now: number, active: number | undefined): void {
  d.kernelConns = conns;
  d.kernelConnsAt = now;
  if (active === undefined) delete d.kernelConnsActive;
  else d.kernelConnsActive = active;
}

/** From a table read without Conns (an older reader): the kernel's own estimate (CPS), as it is. */
function fromCps(d: DestState, live: KernelDest, now: number): RateSample | undefined {
  clearReference(d);
  if (live.cps === undefined || !Number.isFinite(live.cps)) return undefined;
  const dtMs = d.kernelRateAt === undefined ? 0 : now - d.kernelRateAt;
  return completed(live.cps, d.activeConns, live.activeConns, dtMs);
}

function clearReference(d: DestState): void {
  delete d.kernelConns;
  delete d.kernelConnsAt;
  delete d.kernelConnsActive;
}
