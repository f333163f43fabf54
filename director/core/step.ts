// The decision core: a pure function of (settings, state, observation) → (new state, decisions, events). No I/O, no timers.
import type { CoreSettings } from './core-config.js';
import type { CoreEvent, DestDecision, ServiceDecision, StepResult } from './decisions.js';
import type { Observation } from './observation.js';
import { dampTowardTargets } from './passes/damp.js';
import { decide } from './passes/decide.js';
import { guardAgainstBlackHole } from './passes/guard.js';
import { ingest } from './passes/ingest.js';
import { syncWithKernel } from './passes/kernel-sync.js';
import { judgeOverload } from './passes/overload.js';
import { rampReturningAgents } from './passes/return-ramp.js';
import { rosterOf } from './passes/roster.js';
import { proposeTargets } from './passes/targets.js';
import type { CoreState } from './state.js';

/** A deep copy of a state, for a caller that steps a state and still wants the one before. */
export function cloneState(state: CoreState): CoreState {
  return structuredClone(state);
}

/** The state before the first decision: configured weights and thresholds, every agent waiting. */
export function initialState(settings: CoreSettings, now: number): CoreState {
  const state: CoreState = { now, pending: [], pendingHellos: [], agents: {}, dests: {}, services: {} };
  rosterOf(settings, state);
  return state;
}

/**
 * Steps the core once. The state is advanced in place and returned (at 10,000 servers a copy per decision cost more
 * than the decision): a caller that wants to keep the state before takes a copy first (cloneState).
 */
export function step(settings: CoreSettings, state: CoreState, obs: Observation): StepResult<CoreState> {
  const now = obs.now;
  // The first decision in a new smoothing window realigns the damping (damping.ts).
  const realign = Math.floor(now / settings.smoothing.windowMs) > Math.floor(state.now / settings.smoothing.windowMs);
  state.now = now;
  const events: CoreEvent[] = [];
  // The agents first (one agent may serve several services), then each service in config order, pass by pass.
  const roster = rosterOf(settings, state);
  const phasesBefore = ingest(settings, state, obs, events);
  const dests: DestDecision[] = [];
  const services: ServiceDecision[] = [];
  for (const service of roster) {
    syncWithKernel(settings, service, obs, events);
    rampReturningAgents(service, phasesBefore, now);
    const proposals = proposeTargets(settings, service, now, realign);
    judgeOverload(service, proposals, now, events);
    const damped = dampTowardTargets(service.svc, proposals, now, realign);
    const plans = guardAgainstBlackHole(service, damped, events);
    const decided = decide(service, plans, now, events);
    dests.push(...decided.dests);
    services.push(decided.service);
  }
  return { state, dests, services, events };
}
