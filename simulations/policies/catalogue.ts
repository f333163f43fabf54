// The policies compared in every scenario, each a fresh instance per run (policies keep state).
import { adviseScheduler, type TrafficShape } from '../../director/scheduler-advice.js';
import type { ScenarioSpec } from '../model/scenario-spec.js';
import { corePolicy } from './director-core.js';
import { exampleExpression } from './example-expression.js';
import { idlePolicy, lbOrgPolicy } from './headroom.js';
import type { Scheduler } from '../model/ipvs-scheduler.js';
import type { Policy } from './policy.js';
import { capacityWeights, equalWeights, staticPolicy } from './static-weights.js';

export interface PolicyEntry {
  readonly key: string;
  readonly label: string;
  make(spec: ScenarioSpec): Policy;
  /** Scenarios this policy is not run in, and why (said in the results). */
  readonly skip?: (spec: ScenarioSpec) => string | undefined;
}

const caps = (s: ScenarioSpec) => s.servers.map((x) => x.cores * x.speed);

/**
 * With a sorry server configured, servers must be able to say they are overloaded: a penalty expression that quiesces
 * a server whose run queue passes 4 per core (IPVS thresholds cannot, they count TIME_WAIT entries).
 */
const overload = (s: ScenarioSpec): Record<string, unknown> => (s.sorry ? { expression: 'run_queue_per_core > 4 ? 0 : 1' } : {});

/** What an admin knows of a scenario's traffic: -o, active/active, clients whose round trip is as long as a request. */
export function shapeOf(s: ScenarioSpec): TrafficShape {
  const meanWorkMs = 1000 * s.classes.reduce((sum, c) => sum + c.share * c.meanWork, 0);
  return { onePacket: s.protocol === 'udp-ops', activeDirectors: s.directors ?? 1, farClients: (s.connections?.rttMs ?? 0) >= meanWorkMs };
}

/**
 * Capacity mode under `scheduler`, with the scenario's sorry server and overload penalty, and settings on top (as in
 * the director's config file). UDP scenarios are a UDP service in the config (its rate then comes from the kernel).
 */
export function capacityPolicy(s: ScenarioSpec, name: string, scheduler: Scheduler, more: { top?: Record<string, unknown>; service?: Record<string, unknown> } = {}): Policy {
  const udp = s.protocol === 'udp-ops' ? { protocol: 'udp' } : {};
  return corePolicy(s.servers.length, { name, scheduler, sorry: Boolean(s.sorry), ...(more.top ? { top: more.top } : {}), service: { ...udp, ...overload(s), ...more.service } });
}

/**
 * The policy lvs-feedback ships as its default: capacity mode with the default settings, under the scheduler the
 * README advises for the scenario's traffic (director/scheduler-advice.ts: nq, sed or wrr).
 */
export const DEFAULT_POLICY = 'default';
export const ORACLE = 'oracle';

export const POLICIES: readonly PolicyEntry[] = [
  { key: 'static-wrr', label: 'static wrr, equal weights', make: () => staticPolicy('static wrr', 'wrr', equalWeights) },
  { key: 'static-wlc', label: 'static wlc, equal weights', make: () => staticPolicy('static wlc', 'wlc', equalWeights) },
  { key: 'best-wlc', label: 'static wlc, weights ∝ true capacity', make: (s) => staticPolicy('best static wlc', 'wlc', capacityWeights(caps(s))) },
  { key: 'best-sed', label: 'static sed, weights ∝ true capacity', make: (s) => staticPolicy('best static sed', 'sed', capacityWeights(caps(s))) },
  { key: 'best-nq', label: 'static nq, weights ∝ true capacity', make: (s) => staticPolicy('best static nq', 'nq', capacityWeights(caps(s))) },
  { key: 'best-wrr', label: 'static wrr, weights ∝ true capacity', make: (s) => staticPolicy('best static wrr', 'wrr', capacityWeights(caps(s))) },
  { key: 'idle-wlc', label: 'weight ∝ CPU idle (feedbackd), wlc', make: (s) => idlePolicy('wlc', s.servers.length) },
  { key: 'lborg-wlc', label: 'loadbalancer.org agent formula, wlc', make: (s) => lbOrgPolicy('wlc', s.servers.length) },
  { key: 'capacity-wlc', label: 'lvs-feedback capacity mode, wlc', make: (s) => capacityPolicy(s, 'capacity wlc', 'wlc') },
  { key: 'capacity-sed', label: 'lvs-feedback capacity mode, sed', make: (s) => capacityPolicy(s, 'capacity sed', 'sed') },
  { key: 'capacity-nq', label: 'lvs-feedback capacity mode, nq', make: (s) => capacityPolicy(s, 'capacity nq', 'nq') },
  { key: 'capacity-wrr', label: 'lvs-feedback capacity mode, wrr', make: (s) => capacityPolicy(s, 'capacity wrr', 'wrr') },
  { key: 'expression-sed', label: 'lvs-feedback expression mode (example config), sed', make: (s) => corePolicy(s.servers.length, { name: 'expression sed', scheduler: 'sed', sorry: Boolean(s.sorry), service: { mode: 'expression', expression: exampleExpression() } }) },
  { key: DEFAULT_POLICY, label: 'lvs-feedback default: capacity mode, the advised scheduler', make: (s) => capacityPolicy(s, 'default', adviseScheduler(shapeOf(s)).scheduler) },
  { key: ORACLE, label: 'ideal dispatch (baseline): least increase in total response time, perfect knowledge', make: () => staticPolicy('ideal dispatch', 'oracle', equalWeights),
    // Its cost grows with the servers' queues (every job's work left, at every arrival): under overload it would take
    // minutes, and there it measures nothing the others do not.
    skip: (s) => (s.sorry ? 'not run under overload (its cost grows with the queues)' : undefined) },
];
