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

/** The state before the first decision: configured weights and thresholds, every agent waiting. */
export function initialState(settings: CoreSettings, now: number): CoreState {
  const state: CoreState = { now, pending: [], pendingHellos: [], agents: {}, dests: {}, services: {} };
  rosterOf(settings, state);
  return state;
}

/** Steps the core once. The input state is not modified. */
export function step(settings: CoreSettings, previous: CoreState, obs: Observation): StepResult<CoreState> {
  const state = structuredClone(previous);
  const now = obs.now;
  state.now = now;
  // The first decision in a new smoothing window realigns the damping (damping.ts).
  const realign = Math.floor(now / settings.smoothing.windowMs) > Math.floor(previous.now / settings.smoothing.windowMs);
  const events: CoreEvent[] = [];
  // The agents first (one agent may serve several services), then each service in config order, pass by pass.
  const roster = rosterOf(settings, state);
  const phasesBefore = ingest(settings, state, obs, events);
  const dests: DestDecision[] = [];
  const services: ServiceDecision[] = [];
  for (const service of roster) {
    syncWithKernel(settings, service, obs, events);
    rampReturningAgents(service, phasesBefore, now);
    const proposals = proposeTargets(settings, service, now);
    judgeOverload(service, proposals, now, events);
    const damped = dampTowardTargets(service.svc, proposals, now, realign);
    const plans = guardAgainstBlackHole(service, damped, events);
    const decided = decide(service, plans, now, events);
    dests.push(...decided.dests);
    services.push(decided.service);
  }
  return { state, dests, services, events };
}
