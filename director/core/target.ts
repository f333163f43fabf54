// What a destination asks for before damping: the weight its law or hold wants, and why.

export interface Target {
  /** The weight wanted, before clamping and damping; undefined leaves the weight alone (absent from the table). */
  readonly weight: number | undefined;
  /** The explanation: inputs and result, or why the weight is held. */
  readonly reason: string;
  /** Stable kind of a hold worth logging once (waiting, blackout, stale, missing input, edited); absent under control. */
  readonly holdKind?: string;
}
