// The settings the decision core runs on: the director config after validation, with expressions compiled.
import type { Method, ServiceRef } from '../kernel/ipvs/names.js';
import type { CompiledExpression } from './expression.js';

export type WeightMode = 'capacity' | 'expression';
export type StalePolicy = 'configured' | 'hold' | 'quiesce';

export interface SmoothingSettings {
  /** EMA time constant: a step change in an input reaches 63 % of its size after this long. */
  readonly tauMs: number;
  /** A new or returning agent's reports are smoothed but do not move its weight for this long. */
  readonly blackoutMs: number;
  /**
   * The wall-clock grid on which every smoothed mean restarts (the mean in use has run between one and two windows)
   * and the damping re-aligns: what two directors saw differently is forgotten within two windows. A multiple of the
   * control interval.
   */
  readonly windowMs: number;
  /** The span of the variances behind the capacity estimate's standard error (capacity-noise.ts). */
  readonly noiseSpanMs: number;
  /** The grid slot whose reports make one sample of those variances (capacity-noise.ts). */
  readonly noiseBatchMs: number;
}

export interface DampingSettings {
  /** No write unless the target differs from the current weight by at least this % of it (and at least 1). */
  readonly deadbandPct: number;
  /** In capacity mode the deadband is at least this many standard errors of the capacity estimate (0: never). */
  readonly noiseErrors: number;
  /** Largest change per write, as % of the larger of the current and the reference weight (at least 1). */
  readonly maxStepPct: number;
  /** Least time between two writes to one destination. */
  readonly minIntervalMs: number;
  /** A new or returning server's weight may rise from `slowStartFromPct` % of its target to all of it over this time. */
  readonly slowStartMs: number;
  readonly slowStartFromPct: number;
}

export interface CapacitySettings {
  /** Utilisation (0..1) below which a server's rate says too little to estimate its capacity: the estimate is held. */
  readonly utilizationFloor: number;
  /** Where the connection rate comes from: the kernel's per-destination rate, the agent's completed connections, or (auto) the agent's when it reports one. */
  readonly rateFrom: 'kernel' | 'agent' | 'auto';
  /** No capacity counts for more than this many times the median of the other servers' (a lying agent's bound). */
  readonly maxRatio: number;
  /** A capacity counts for at most this factor more per minute than it did before (a claim cannot jump). */
  readonly maxGrowthPerMinute: number;
}


export interface FallbackSettings {
  /** Every real server overloaded for this long brings in the sorry servers. */
  readonly afterMs: number;
  /** The sorry servers leave once `recoverCount` real servers have been usable for this long. */
  readonly recoverAfterMs: number;
  readonly recoverCount: number;
  /** Weight kept on the least-loaded servers when nothing else is usable and there is no sorry server. */
  readonly keepWeight: number;
  /** How many least-loaded servers keep that weight. */
  readonly keepCount: number;
}

export interface ThresholdSettings {
  /**
   * Whether lvs-feedback owns this destination's thresholds: only when its config names one (upperThreshold,
   * lowerThreshold or upperThresholdFrom). Otherwise they are whoever else's (keepalived's uthreshold/lthreshold, a
   * person's) and every write restates what the kernel has.
   */
  readonly owned: boolean;
  /** Upper connection threshold (-x); 0 = none. */
  readonly upper: number;
  /** Lower connection threshold (-y); 0 lets the kernel use 3/4 of upper. */
  readonly lower: number;
  /** A variable (e.g. a plugin metric) whose value, when present, sets the upper threshold. */
  readonly upperFrom?: string;
}

export interface RealServerSettings {
  /** `address:port` as in ipvsadm, IPv6 in brackets. */
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly agentId: string;
  /** The configured weight: the starting point and the stale fallback. */
  readonly baseWeight: number;
  readonly minWeight: number;
  readonly maxWeight: number;
  readonly method: Method;
  readonly thresholds: ThresholdSettings;
}

export interface SorryServerSettings {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly method: Method;
  readonly weight: number;
}

interface ServiceSettingsBase {
  /** The admin's name for the service, used in logs ("web/10.0.0.11:80"). */
  readonly name: string;
  /** The kernel's virtual service: address, port and protocol, or a firewall mark. */
  readonly ref: ServiceRef;
  /** serviceIdOf(ref), e.g. `tcp:10.0.0.1:80` or `fwm:5`: the key of the service in the kernel's table. */
  readonly serviceId: string;
  /** The weight an average server gets in capacity mode. */
  readonly referenceWeight: number;
  readonly realServers: readonly RealServerSettings[];
  readonly sorryServers: readonly SorryServerSettings[];
  readonly damping: DampingSettings;
  readonly capacity: CapacitySettings;
  /** Where a stale agent's server goes: its configured weight, the weight it has, or 0. */
  readonly stalePolicy: StalePolicy;
  /** Under stalePolicy configured: how long a stale agent's weight is held before it goes to the configured weight. */
  readonly staleHoldMs: number;
  readonly fallback: FallbackSettings;
}

/** Capacity mode: weight ∝ estimated capacity, times an optional penalty factor (clamped to 0..1). */
export interface CapacityServiceSettings extends ServiceSettingsBase {
  readonly mode: 'capacity';
  readonly expression?: CompiledExpression;
}

/** Expression mode: the admin's expression is the weight. */
export interface ExpressionServiceSettings extends ServiceSettingsBase {
  readonly mode: 'expression';
  readonly expression: CompiledExpression;
}

export type ServiceSettings = CapacityServiceSettings | ExpressionServiceSettings;

/** When decisions are taken: on a wall-clock grid, each from the reports timed up to its instant. */
export interface DecisionSettings {
  /** The grid: one decision at every multiple of this many ms since the epoch (the control interval). */
  readonly intervalMs: number;
  /** A decision for grid time g is taken at g + settleMs or later (it may exceed the interval: decisions then overlap). */
  readonly settleMs: number;
  /** A report's own time (the agent's clock) is used when within this of its arrival; else its arrival time. */
  readonly maxClockSkewMs: number;
  /** Missed grid decisions caught up after a stall, at most. */
  readonly maxCatchUp: number;
  readonly maxPendingPerAgent: number;
  /** Changes of an agent's clock across maxClockSkewMs are said at most once per this long (the last one stands). */
  readonly clockNoticeQuietMs: number;
}

export interface CoreSettings {
  readonly decisions: DecisionSettings;
  readonly smoothing: SmoothingSettings;
  /** No report for this long makes an agent stale. */
  readonly staleAfterMs: number;
  /** A weight changed in the kernel by someone else is left alone for this long before control resumes. */
  readonly externalEditHoldMs: number;
  readonly services: readonly ServiceSettings[];
}
