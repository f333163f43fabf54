// Pass 4: what each destination asks for — capacity estimates first, then its hold or its control law, and thresholds.
import { agentStanding } from '../agent-phase.js';
import { estimateCapacity } from '../capacity.js';
import { capacityRelativeError } from '../capacity-noise.js';
import { liveTarget } from '../control-law.js';
import { medianWithout } from '../median-without.js';
import type { CoreSettings } from '../core-config.js';
import { holdTarget } from '../hold-target.js';
import { fmt } from '../explain.js';
import { buildScope } from '../scope.js';
import type { DestState } from '../state.js';
import type { Target } from '../target.js';
import { thresholdsFor, type Thresholds } from '../thresholds.js';
import type { DestRow, ServiceRows } from './roster.js';

/** A destination with what it asks for in this decision. */
export interface Proposal extends DestRow {
  /** The values its expressions saw. */
  readonly scope: ReadonlyMap<string, number>;
  readonly target: Target;
  readonly thresholds: Thresholds;
}

interface Estimates {
  /** Explanation of each capacity estimate (capacity mode). */
  readonly notes: ReadonlyMap<DestState, string>;
  /** The connection rate behind each estimate. */
  readonly rates: ReadonlyMap<DestState, number>;
  /** Mean estimated capacity of the service's live, present servers; undefined when none has one. */
  readonly meanCapacity: number | undefined;
}

/**
 * Estimates each live server's capacity (stored on its state in capacity mode) and the service's mean: each server's
 * share depends on the others', so every estimate comes before any target.
 */
function estimate({ svc, rows }: ServiceRows, tauMs: number, now: number, realign: boolean): Estimates {
  const notes = new Map<DestState, string>();
  const rates = new Map<DestState, number>();
  const live = rows.filter((r) => r.agent.phase === 'live' && r.d.present);
  for (const { d, agent } of live) {
    const est = estimateCapacity({ utilPct: agent.smoothed.means.cpu_util_pct, kernelRate: d.kernelRate, agentRate: agent.smoothed.completedRate ?? agent.smoothed.means.tcp_passive_opens_per_s, datagrams: svc.ref.protocol === 'udp' }, svc.capacity);
    if (svc.mode === 'capacity') {
      // A new smoothing window starts the bound afresh, from what the smoothed reports say: directors whose histories
      // differ count the same capacities again once their smoothing agrees (docs/neighbours.md).
      if (realign) delete d.capacityCounted;
      if (est.capacity !== undefined) d.capacity = est.capacity;
      else delete d.capacity;
      if (est.capacity !== undefined) boundGrowth(d, svc.capacity.maxGrowthPerMinute, now, est.note, notes);
      const error = est.capacity === undefined ? undefined : capacityRelativeError(agent.smoothed.capacityNoise?.moments, tauMs);
      if (error !== undefined) d.capacityErrorPct = error * 100;
      else delete d.capacityErrorPct;
      if (!notes.has(d)) notes.set(d, est.note);
    }
    if (est.rate !== undefined) rates.set(d, est.rate);
  }
  if (svc.mode === 'capacity') {
    boundCapacities(live.map((r) => r.d), svc.capacity.maxRatio, notes);
    for (const { d } of live) if (d.capacity !== undefined) d.capacityCounted = { value: d.capacity, at: now };
  }
  const known = live.flatMap((r) => (r.d.capacity !== undefined ? [r.d.capacity] : []));
  const meanCapacity = known.length > 0 ? known.reduce((x, y) => x + y, 0) / known.length : undefined;
  return { notes, rates, meanCapacity };
}

/**
 * Caps a capacity's rise at `maxGrowth` per minute since it last counted (falls pass at once), on the state and in its
 * note, within a smoothing window: an agent that starts to lie about its rate climbs, in plain sight, instead of
 * jumping; at the next window it counts for what its smoothed reports say (never more than maxRatio allows).
 */
function boundGrowth(d: DestState, maxGrowth: number, now: number, note: string, notes: Map<DestState, string>): void {
  const before = d.capacityCounted;
  if (before === undefined || d.capacity === undefined) return;
  const bound = before.value * maxGrowth ** (Math.max(0, now - before.at) / 60_000);
  if (d.capacity <= bound) return;
  notes.set(d, `${note}, counted as ${fmt(bound)}/s (at most ${fmt(maxGrowth)} × more per minute than the ${fmt(before.value)}/s before)`);
  d.capacity = bound;
}

/**
 * Caps each capacity at `maxRatio` times the median of the others' (when any other is known), on the state and in its
 * note. A median of the others, not the mean: the one that claims too much cannot raise its own bound.
 */
function boundCapacities(dests: readonly DestState[], maxRatio: number, notes: Map<DestState, string>): void {
  const known = dests.filter((d) => d.capacity !== undefined);
  if (known.length < 2) return;
  // One sort for the service; each server's "others" are the sorted values less one copy of its own.
  const sorted = known.map((d) => d.capacity ?? 0).sort((a, b) => a - b);
  const bounds = known.map((d) => maxRatio * medianWithout(sorted, d.capacity ?? 0));
  known.forEach((d, i) => {
    const bound = bounds[i] ?? Number.POSITIVE_INFINITY;
    if ((d.capacity ?? 0) <= bound) return;
    notes.set(d, `${notes.get(d) ?? `capacity ${fmt(d.capacity ?? 0)}/s`}, counted as ${fmt(bound)}/s (at most ${fmt(maxRatio)} × the others' median)`);
    d.capacity = bound;
  });
}

const NO_SCOPE: ReadonlyMap<string, number> = new Map();

/** Every destination's proposal, in config order: a hold when its agent is not live, else its control law. */
export function proposeTargets(settings: CoreSettings, service: ServiceRows, now: number, realign = false): Proposal[] {
  const { svc } = service;
  const { notes, rates, meanCapacity } = estimate(service, settings.smoothing.tauMs, now, realign);
  return service.rows.map((row) => {
    const { rs, d, agent } = row;
    const rate = rates.get(d);
    // The expression's variables: built only where an expression or a threshold from a metric reads them.
    const scope = svc.mode === 'capacity' && svc.expression === undefined && rs.thresholds.upperFrom === undefined ? NO_SCOPE : buildScope(svc, rs, agent, d, { ...(rate !== undefined ? { connRate: rate } : {}), ...(meanCapacity !== undefined ? { meanCapacity } : {}) });
    const target = holdTarget(svc, rs, d, agentStanding(agent, now, settings), now) ?? liveTarget(svc, d, scope, notes.get(d), meanCapacity);
    return { ...row, scope, target, thresholds: thresholdsFor(rs.thresholds, scope, d) };
  });
}
