// What the decision core is told at each decision: the clock, what agents said, and what the kernel's table holds.
import type { HostFacts, ReportMessage } from '../../shared/protocol/messages.js';
import type { DestFigures } from '../kernel/ipvs/names.js';

export interface ReceivedReport {
  readonly agentId: string;
  /** Director-clock time the report arrived (monotonic ms). */
  readonly receivedAt: number;
  readonly report: ReportMessage;
}

/** One destination as the kernel has it, with its counters when they were read. */
export type KernelDest = DestFigures;

/** The kernel's table, reduced to what the core needs: service id → destination id (`addr:port`) → destination. */
export interface KernelView {
  readonly services: Readonly<Record<string, Readonly<Record<string, KernelDest>>>>;
}

export interface Observation {
  /** Director-clock time of this decision (monotonic ms). */
  readonly now: number;
  readonly hellos?: readonly { readonly agentId: string; readonly host: HostFacts }[];
  /** Reports received since the previous decision, in any order. */
  readonly reports?: readonly ReceivedReport[];
  /** The table as read just before this decision; absent when there is no kernel to read. */
  readonly kernel?: KernelView;
}
