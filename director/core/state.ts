// What the decision core remembers between decisions: per agent, per destination and per service, plain data only.
import type { HostFacts } from '../../shared/protocol/messages.js';
import type { CapacityNoiseInputs } from './capacity-noise.js';
import type { ReceivedReport } from './observation.js';

/** Where an agent stands: no report yet, reporting but not yet trusted, moving its weights, or silent too long. */
export type AgentPhase = 'waiting' | 'blackout' | 'live' | 'stale';

export interface AgentState {
  readonly agentId: string;
  host?: HostFacts;
  /** Time the last report counts at (its own time, see report-time.ts), undefined before the first. */
  lastReportAt?: number;
  /** How far the agent's clock is off this director's, while beyond the skew limit (its reports timed by arrival). */
  clockSkewMs?: number;
  /** What was last said of its clock (beyond the limit or not) and when: a change is said at most once per quiet time. */
  clockSaid?: { skewed: boolean; at: number };
  /** Start of the current run of reports (first report, or first after being stale): the blackout counts from here. */
  liveSince?: number;
  /** True once the agent has gone stale at least once since its last live period (a return, not a first arrival). */
  wasStale: boolean;
  lastSeq?: number;
  /** The phase at the previous decision, to notice transitions (stale, live). */
  phase: AgentPhase;
  /**
   * What the agent's reports smooth into, in use: started at the previous window's grid time (or at the agent's first
   * report), so it has run between one and two smoothing windows.
   */
  smoothed: SmoothedInputs;
  /** The same, started at the current window's grid time: in use from the next window on. */
  fresh: SmoothedInputs;
  /** The window (its index on the wall-clock grid) the last report counted in. */
  window?: number;
  /** When each smoothed metric was last reported: one the agent stops sending is dropped, never turned into 0. */
  smoothedAt: Record<string, number>;
  /** The previous report's established count and time, for the completed rate's growth correction. */
  lastEstablished?: { value: number; at: number };
}

/** One run of smoothing over an agent's reports (report-smoothing.ts). */
export interface SmoothedInputs {
  /** Exponential mean of every metric the agent reports. */
  means: Record<string, number>;
  /**
   * Smoothed rate at which the host completes connections: accepted per second minus the growth of its established
   * ones (when the agent reports both), the agent-side counterpart of the kernel rate's correction.
   */
  completedRate?: number;
  /** How much the completed rate and utilisation vary from batch to batch of reports (capacity-noise.ts). */
  capacityNoise?: CapacityNoiseInputs;
}

export function noSmoothedInputs(): SmoothedInputs {
  return { means: {} };
}

export interface DestState {
  readonly service: string;
  readonly destId: string;
  readonly agentId: string;
  /** The weight in force, as far as the director knows (adopted from the kernel at start). */
  weight: number;
  upper: number;
  lower: number;
  /** Present in the kernel's table (a health checker may have removed it). */
  present: boolean;
  /** The weight last seen in the kernel, to tell an edit by someone else from a write of ours that did not land. */
  kernelWeight?: number;
  lastWriteAt?: number;
  slowStart?: SlowStart;
  /**
   * Set to 0 by someone else (a health checker such as keepalived with inhibit_on_failure, or a person), or found at 0
   * when first seen: "out". lvs-feedback never raises it; when someone else raises it, that is a return (slow start).
   */
  zeroedOutside?: 'edit' | 'found';
  /** Estimated capacity: connections per second at full CPU. */
  capacity?: number;
  /**
   * The capacity it last counted for and when, within the current smoothing window, kept while its capacity is
   * unknown (stale, blackout): the base its growth is bounded from (capacity.maxGrowthPerMinute).
   */
  capacityCounted?: { value: number; at: number };
  /** The estimate's relative standard error in % (capacity-noise.ts), when its agent's reports tell. */
  capacityErrorPct?: number;
  /**
   * Smoothed rate at which the destination completes connections, from the kernel: new connections per second (the
   * difference of its cumulative Conns counter between decisions, or the kernel's own CPS estimate when the table was
   * read without Conns) minus the growth of its active connections.
   */
  kernelRate?: number;
  kernelRateAt?: number;
  /**
   * The kernel's cumulative Conns counter where the last rate sample ended (or where it was first seen), that
   * decision's time, and the active connections then: the reference the next sample is differenced against.
   */
  kernelConns?: number;
  kernelConnsAt?: number;
  kernelConnsActive?: number;
  activeConns?: number;
  inactiveConns?: number;
  /** Control paused after an edit by someone else, until this time. */
  heldUntil?: number;
  /** The last target and explanation, for status. */
  target?: number;
  reason: string;
  /** Stable kind of the reason the weight is held (for logging a hold once), absent when under control. */
  holdKind?: string;
}

/** Why a destination is ramping up, which decides how the ramp begins and how it is explained. */
export type SlowStartCause =
  /** Back in the kernel's table after a health checker removed it: it starts low at once. */
  | 'returned'
  /** Raised from 0 by someone else (a health checker's restore): it starts low at once. */
  | 'raised'
  /** Leaving a weight 0 lvs-feedback itself set (quiesced, overloaded, stale): the ceiling grows from 0. */
  | 'from-zero'
  /** Its agent reports again after being stale: the ceiling grows from the weight it had. */
  | 'agent-back';

export interface SlowStart {
  startedAt: number;
  from: number;
  cause: SlowStartCause;
}

export interface ServiceState {
  readonly name: string;
  sorryActive: boolean;
  /** Since when every real server has been overloaded. */
  overloadedSince?: number;
  /** Since when enough real servers have been usable again (sorry servers active). */
  recoveredSince?: number;
  /** Nothing usable and no sorry server: the least-loaded servers are being kept at a minimum weight. */
  alarm: boolean;
}

export interface CoreState {
  /** Time of the last decision (a grid instant when decided through advance()). */
  now: number;
  /** The last grid instant decided by advance(); undefined before the first. */
  decidedAt?: number;
  /** Reports received but timed after the last grid instant decided: they wait for theirs. */
  pending: ReceivedReport[];
  /** Hellos received since the last grid decision. */
  pendingHellos: { agentId: string; host: HostFacts }[];
  agents: Record<string, AgentState>;
  /** Keyed by `service/destId`. */
  dests: Record<string, DestState>;
  services: Record<string, ServiceState>;
}

export function destKey(service: string, destId: string): string {
  return `${service}/${destId}`;
}
