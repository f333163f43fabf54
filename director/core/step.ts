// The decision core: a pure function of (settings, state, observation) → (new state, decisions, events). No I/O, no timers.
import { agentPhase, ingestReport, type AgentPhase } from './agent-phase.js';
import { estimateCapacity } from './capacity.js';
import type { CoreSettings, RealServerSettings, ServiceSettings } from './core-config.js';
import { damp, slowStartCap } from './damping.js';
import type { CoreEvent, DestDecision, ServiceDecision, StepResult } from './decisions.js';
import { emaNext } from './ema.js';
import { fmt } from './explain.js';
import { updateFallback, usableAfterGuard } from './fallback.js';
import type { KernelDest, Observation } from './observation.js';
import { buildScope } from './scope.js';
import { destKey, type AgentState, type CoreState, type DestState } from './state.js';
import { thresholdChanged, thresholdsFor } from './thresholds.js';

const KERNEL_MAX_WEIGHT = 65_535;

/** Variables that come from the config, not from measurements. */
const CONSTANT_VARIABLES = new Set(['base_weight', 'reference_weight']);

/** The state before the first decision: configured weights and thresholds, every agent waiting. */
export function initialState(settings: CoreSettings, now: number): CoreState {
  const state: CoreState = { now, agents: {}, dests: {}, services: {} };
  for (const svc of settings.services) {
    state.services[svc.name] = { name: svc.name, sorryActive: false, alarm: false };
    for (const rs of svc.realServers) {
      state.agents[rs.agentId] ??= { agentId: rs.agentId, phase: 'waiting', wasStale: false, smoothed: {}, smoothedAt: {} };
      const t = thresholdsFor(rs.thresholds, new Map());
      state.dests[destKey(svc.name, rs.id)] = {
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
  }
  return state;
}

interface Target {
  target: number | undefined;
  reason: string;
  holdKind?: string;
}

function clampWeight(v: number, rs: RealServerSettings): number {
  return Math.min(rs.maxWeight, KERNEL_MAX_WEIGHT, Math.max(rs.minWeight, 0, Math.round(v)));
}

/** Brings a destination in line with the kernel's table: absence, return, adoption at start, edits by others. */
function syncWithKernel(svc: ServiceSettings, d: DestState, live: KernelDest | undefined, now: number, settings: CoreSettings, tauMs: number, events: CoreEvent[]): void {
  if (live === undefined) {
    if (d.present) events.push({ kind: 'dest-absent', service: svc.name, destId: d.destId, message: `${svc.name}/${d.destId} is not in the kernel's table: left absent (a health checker's decision), not re-added` });
    d.present = false;
    d.kernelWeight = undefined;
    return;
  }
  const returned = !d.present;
  d.present = true;
  if (returned) {
    events.push({ kind: 'dest-returned', service: svc.name, destId: d.destId, message: `${svc.name}/${d.destId} is back in the kernel's table with weight ${live.weight}: slow start` });
    d.slowStart = { startedAt: now, from: 0 };
    d.lastWriteAt = undefined;
  }
  if (d.kernelWeight === undefined) {
    // First sight (start or return): adopt what the kernel has, so a restart causes no jump.
    d.weight = live.weight;
    d.upper = live.upper;
    d.lower = live.lower;
  } else if (live.weight !== d.weight) {
    if (live.weight !== d.kernelWeight) {
      d.heldUntil = now + settings.externalEditHoldMs;
      events.push({
        kind: 'external-edit',
        service: svc.name,
        destId: d.destId,
        message: `${svc.name}/${d.destId} weight changed outside lvs-feedback (${d.weight} → ${live.weight}): left alone for ${fmt(settings.externalEditHoldMs / 1000)}s`,
      });
    }
    d.weight = live.weight;
  }
  if (live.upper !== d.upper || live.lower !== d.lower) {
    d.upper = live.upper;
    d.lower = live.lower;
  }
  d.kernelWeight = live.weight;
  if (live.cps !== undefined && Number.isFinite(live.cps)) {
    // The rate the server completes connections: new ones per second minus the growth of its active ones. New
    // connections alone overstate the capacity of a server that is falling behind (its queue grows instead).
    const dtMs = d.kernelRateAt === undefined ? 0 : now - d.kernelRateAt;
    const growth = dtMs > 0 && live.activeConns !== undefined && d.activeConns !== undefined ? ((live.activeConns - d.activeConns) * 1000) / dtMs : 0;
    d.kernelRate = emaNext(d.kernelRate, Math.max(0, live.cps - growth), dtMs, tauMs);
    d.kernelRateAt = now;
  }
  d.activeConns = live.activeConns;
  d.inactiveConns = live.inactiveConns;
}

/** What a destination whose agent is not live should do. */
function holdTarget(svc: ServiceSettings, rs: RealServerSettings, d: DestState, phase: AgentPhase, agent: AgentState, now: number, settings: CoreSettings): Target | undefined {
  if (!d.present) return { target: undefined, reason: 'absent from the kernel table', holdKind: 'absent' };
  if (d.heldUntil !== undefined && now < d.heldUntil) {
    return { target: d.weight, reason: `edited outside lvs-feedback, held for ${Math.ceil((d.heldUntil - now) / 1000)}s more`, holdKind: 'external-edit' };
  }
  if (phase === 'waiting') return { target: d.weight, reason: 'waiting for the agent', holdKind: 'waiting' };
  if (phase === 'blackout') {
    const left = Math.ceil((agent.liveSince! + settings.smoothing.blackoutMs - now) / 1000);
    return { target: d.weight, reason: `agent blackout, ${left}s left`, holdKind: 'blackout' };
  }
  if (phase === 'stale') {
    const silent = `no report for ${fmt((now - agent.lastReportAt!) / 1000)}s`;
    if (svc.stalePolicy === 'hold') return { target: d.weight, reason: `agent stale (${silent}): weight held`, holdKind: 'stale' };
    if (svc.stalePolicy === 'quiesce') return { target: 0, reason: `agent stale (${silent}): quiescing`, holdKind: 'stale' };
    return { target: clampWeight(rs.baseWeight, rs), reason: `agent stale (${silent}): back to configured weight ${rs.baseWeight}`, holdKind: 'stale' };
  }
  return undefined;
}

/** Steps the core once. The input state is not modified. */
export function step(settings: CoreSettings, previous: CoreState, obs: Observation): StepResult<CoreState> {
  const state = structuredClone(previous);
  const now = obs.now;
  state.now = now;
  const events: CoreEvent[] = [];
  const tauMs = settings.smoothing.tauMs;

  const phasesBefore = new Map(Object.values(state.agents).map((a) => [a.agentId, a.phase]));
  for (const h of obs.hellos ?? []) {
    const a = state.agents[h.agentId];
    if (a) a.host = h.host;
  }
  const reports = [...(obs.reports ?? [])].sort((x, y) => x.receivedAt - y.receivedAt || (x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0));
  for (const r of reports) {
    const a = state.agents[r.agentId];
    if (a && (a.lastReportAt === undefined || r.receivedAt >= a.lastReportAt)) ingestReport(a, r, settings);
  }
  const phases = new Map<string, AgentPhase>();
  for (const a of Object.values(state.agents)) {
    const p = agentPhase(a, now, settings);
    phases.set(a.agentId, p);
    a.phase = p;
    const before = phasesBefore.get(a.agentId);
    if (p === 'stale' && before !== 'stale') events.push({ kind: 'agent-stale', agentId: a.agentId, message: `agent ${a.agentId} is stale: no report for ${fmt((now - a.lastReportAt!) / 1000)}s` });
    if (p === 'live' && before !== 'live') events.push({ kind: 'agent-live', agentId: a.agentId, message: `agent ${a.agentId} is live: its reports now move its weights` });
  }

  const destDecisions: DestDecision[] = [];
  const serviceDecisions: ServiceDecision[] = [];
  for (const svc of settings.services) {
    const kernelSvc = obs.kernel?.services[svc.serviceId];
    if (obs.kernel && kernelSvc === undefined && svc.realServers.some((rs) => state.dests[destKey(svc.name, rs.id)]!.present)) {
      events.push({ kind: 'service-missing', service: svc.name, message: `virtual service ${svc.name} (${svc.serviceId}) is not in the kernel's table: reported, not created` });
    }
    const rows = svc.realServers.map((rs) => {
      const d = state.dests[destKey(svc.name, rs.id)]!;
      if (obs.kernel) syncWithKernel(svc, d, kernelSvc?.[rs.id], now, settings, tauMs, events);
      const agent = state.agents[rs.agentId]!;
      const phase = phases.get(rs.agentId)!;
      // A returning agent's server ramps up from where it stands (its first arrival is not a new server).
      if (phase === 'live' && phasesBefore.get(rs.agentId) !== 'live' && agent.wasStale && d.present) {
        d.slowStart = { startedAt: now, from: d.weight };
      }
      return { rs, d, agent, phase };
    });

    // Capacity estimates first: each live server's share depends on the others'.
    const notes = new Map<DestState, string>();
    const rates = new Map<DestState, number>();
    for (const row of rows) {
      if (row.phase !== 'live' || !row.d.present) continue;
      const est = estimateCapacity({ utilPct: row.agent.smoothed.cpu_util_pct, kernelRate: row.d.kernelRate, agentRate: row.agent.completedRate ?? row.agent.smoothed.tcp_passive_opens_per_s }, svc.capacity);
      if (svc.mode === 'capacity') {
        if (est.capacity !== undefined) row.d.capacity = est.capacity;
        else delete row.d.capacity;
        notes.set(row.d, est.note);
      }
      if (est.rate !== undefined) rates.set(row.d, est.rate);
    }
    const known = rows.filter((r) => r.phase === 'live' && r.d.present && r.d.capacity !== undefined).map((r) => r.d.capacity!);
    const meanCapacity = known.length > 0 ? known.reduce((x, y) => x + y, 0) / known.length : undefined;

    const proposals = rows.map(({ rs, d, agent, phase }) => {
      const rate = rates.get(d);
      const scope = buildScope(svc, rs, agent, d, { ...(rate !== undefined ? { connRate: rate } : {}), ...(meanCapacity !== undefined ? { meanCapacity } : {}) });
      let t: Target | undefined = holdTarget(svc, rs, d, phase, agent, now, settings);
      if (t === undefined) t = liveTarget(svc, d, scope, notes.get(d), meanCapacity);
      const th = thresholdsFor(rs.thresholds, scope);
      return { rs, d, agent, scope, t, th };
    });

    const ss = state.services[svc.name]!;
    // Overloaded: not usable for new connections by the law's own verdict (target 0), the kernel's threshold, or absence.
    const overloaded = proposals.map(({ rs, d, t, th, agent }) => {
      if (!d.present) return true;
      if (t.target === 0) return true;
      const conns = d.activeConns !== undefined ? d.activeConns + (d.inactiveConns ?? 0) : (agent.smoothed[`established_${rs.port}`] ?? agent.smoothed.established);
      return th.upper > 0 && conns !== undefined && conns >= th.upper;
    });
    events.push(...updateFallback(svc, ss, overloaded, now));

    const damped = proposals.map(({ rs, d, t, th }) => {
      let weight = d.weight;
      let reason = t.reason;
      if (t.target !== undefined && d.present) {
        const target = clampWeight(t.target, rs);
        // A server leaving weight 0 (quiesced, overloaded, stale) is as good as new to a *lc scheduler: ramp it.
        if (d.weight === 0 && target > 0 && !d.slowStart) d.slowStart = { startedAt: now, from: 0 };
        let cap: number | undefined;
        if (d.slowStart) {
          cap = slowStartCap(target, d.slowStart.from, d.slowStart.startedAt, now, svc.damping);
          if (cap === undefined) delete d.slowStart;
        }
        if (d.slowStart && d.slowStart.from === 0 && d.lastWriteAt === undefined && cap !== undefined) {
          // Returned to the table (by a health checker, at whatever weight): start the ramp low at once.
          weight = Math.min(target, Math.max(rs.minWeight, Math.floor(cap)));
          reason = `${reason}; returned to the table, slow start from ${weight}`;
        } else {
          const r = damp({ current: d.weight, target, referenceWeight: svc.referenceWeight, lastWriteAt: d.lastWriteAt, now, ...(cap !== undefined ? { slowStartCap: cap } : {}) }, svc.damping);
          weight = r.weight;
          if (r.note) reason = `${reason}; ${r.note}`;
        }
        d.target = target;
      }
      if (th.note) reason = `${reason}; ${th.note}`;
      return { weight, reason, upper: th.upper, lower: th.lower };
    });

    // Never a black hole: without sorry servers in, keep the least-loaded present servers at a minimum weight.
    const guard = usableAfterGuard(svc, ss, proposals.map((p, i) => ({ present: p.d.present, weight: damped[i]!.weight, util: p.agent.smoothed.cpu_util_pct, conns: p.d.activeConns })), events);
    for (const i of guard.kept) {
      damped[i]!.weight = Math.max(damped[i]!.weight, svc.fallback.keepWeight);
      damped[i]!.reason = `${damped[i]!.reason}; ${guard.why}, kept at ${damped[i]!.weight}`;
    }

    proposals.forEach(({ rs, d, t }, i) => {
      const out = damped[i]!;
      const before = d.weight;
      const upperChanged = thresholdChanged(d.upper, out.upper, svc.damping.deadbandPct);
      const lowerChanged = upperChanged || (out.lower !== d.lower && out.upper === d.upper && rs.thresholds.upperFrom === undefined);
      const changed = d.present && (out.weight !== before || upperChanged || lowerChanged);
      if (d.present) {
        if (out.weight !== before) d.lastWriteAt = now;
        d.weight = out.weight;
        if (upperChanged || lowerChanged) {
          d.upper = out.upper;
          d.lower = out.lower;
        }
      }
      d.reason = out.reason;
      if (t.holdKind !== undefined) d.holdKind = t.holdKind;
      else delete d.holdKind;
      destDecisions.push({
        service: svc.name,
        serviceId: svc.serviceId,
        destId: rs.id,
        agentId: rs.agentId,
        present: d.present,
        weightBefore: before,
        weight: d.weight,
        upper: d.upper,
        lower: d.lower,
        ...(t.target !== undefined ? { target: clampWeight(t.target, rs) } : {}),
        changed,
        reason: out.reason,
        ...(t.holdKind !== undefined ? { holdKind: t.holdKind } : {}),
      });
    });
    serviceDecisions.push({ service: svc.name, serviceId: svc.serviceId, sorryActive: ss.sorryActive, sorryServers: ss.sorryActive ? svc.sorryServers : [], alarm: ss.alarm });
  }
  return { state, dests: destDecisions, services: serviceDecisions, events };
}

/** The control law for a live agent: capacity share × optional penalty, or the admin's expression. */
function liveTarget(svc: ServiceSettings, d: DestState, scope: ReadonlyMap<string, number>, capacityNote: string | undefined, meanCapacity: number | undefined): Target {
  if (svc.mode === 'expression') {
    const r = svc.expression!.evaluate(scope);
    if (!r.ok) return { target: d.weight, reason: `weight kept: ${r.why}`, holdKind: `input:${r.why}` };
    // The inputs that vary, then the result: "cpu_idle_pct 12, postfix_mailq 40 → 55". Config constants add nothing.
    const inputs = svc.expression!.variables.filter((v) => !CONSTANT_VARIABLES.has(v)).slice(0, 5).map((v) => `${v} ${fmt(scope.get(v))}`);
    return { target: r.value, reason: `${inputs.length ? inputs.join(', ') : svc.expression!.source} → ${fmt(r.value)}` };
  }
  if (meanCapacity === undefined || meanCapacity <= 0) {
    return { target: d.weight, reason: `weight kept: ${capacityNote ?? 'capacity unknown'}`, holdKind: 'capacity-unknown' };
  }
  // A server whose capacity is not known yet is taken to be average (as gRPC does for endpoints without a weight).
  const share = d.capacity === undefined ? 1 : d.capacity / meanCapacity;
  let target = svc.referenceWeight * share;
  let reason = d.capacity === undefined ? `${capacityNote ?? 'capacity unknown'}: taken as the mean` : `${capacityNote ?? `capacity ${fmt(d.capacity)}/s`}, share ${fmt(share)} of mean`;
  if (svc.expression) {
    const r = svc.expression.evaluate(scope);
    if (!r.ok) return { target: d.weight, reason: `weight kept: penalty ${r.why}`, holdKind: `input:${r.why}` };
    const factor = Math.min(1, Math.max(0, r.value));
    if (factor !== 1) reason = `${reason}, penalty ×${fmt(factor)} (${svc.expression.source})`;
    target *= factor;
  }
  return { target, reason };
}
