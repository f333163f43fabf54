// What one decision produces: a weight and thresholds per destination, sorry servers per service, and events to log.
import type { SorryServerSettings } from './core-config.js';

export interface DestDecision {
  readonly service: string;
  readonly serviceId: string;
  readonly destId: string;
  readonly agentId: string;
  readonly present: boolean;
  readonly weightBefore: number;
  readonly weight: number;
  readonly upper: number;
  readonly lower: number;
  /** The weight the control law asked for before damping, if any. */
  readonly target?: number;
  /** True when weight or thresholds differ from what is in force: a write is due. */
  readonly changed: boolean;
  /** Inputs, formula result and what damping did, in words. */
  readonly reason: string;
  /** Set while the weight is held for a reason worth logging once (waiting, blackout, stale, missing input, edited). */
  readonly holdKind?: string;
}

export interface ServiceDecision {
  readonly service: string;
  readonly serviceId: string;
  readonly sorryActive: boolean;
  /** The sorry servers that should be in the table now. */
  readonly sorryServers: readonly SorryServerSettings[];
  readonly alarm: boolean;
}

export type CoreEventKind =
  | 'agent-live'
  | 'agent-stale'
  | 'dest-absent'
  | 'dest-returned'
  | 'service-missing'
  | 'external-edit'
  | 'dest-out'
  | 'dest-raised'
  | 'thresholds'
  | 'clock-skew'
  | 'sorry-on'
  | 'sorry-off'
  | 'alarm'
  | 'alarm-clear';

export interface CoreEvent {
  readonly kind: CoreEventKind;
  readonly service?: string;
  readonly destId?: string;
  readonly agentId?: string;
  readonly message: string;
}

export interface StepResult<S> {
  readonly state: S;
  readonly dests: readonly DestDecision[];
  readonly services: readonly ServiceDecision[];
  readonly events: readonly CoreEvent[];
}
