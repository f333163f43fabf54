// The director's narrow view of the kernel table: read it, write decisions to it. Implemented over director/ipvs/.
import type { DestDecision, ServiceDecision } from '../core/decisions.js';
import type { KernelView } from '../core/observation.js';

export interface WriteOutcome {
  /** Edit lines that reached the kernel (verified by reading back). */
  readonly applied: readonly string[];
  /** Edits that did not land, with why. */
  readonly failed: readonly { readonly line: string; readonly reason: string }[];
}

export interface TablePort {
  /** Where the weights go, for logs: "ipvsadm" or "dry run". */
  readonly description: string;
  read(): Promise<KernelView>;
  /** Writes every changed decision and the sorry servers each service should have, in one batch. */
  write(dests: readonly DestDecision[], services: readonly ServiceDecision[]): Promise<WriteOutcome>;
  /** Writes the configured weights back (on exit when asked). */
  restore?(dests: readonly DestDecision[]): Promise<WriteOutcome>;
}
