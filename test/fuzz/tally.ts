// What the attacker sent and what the director answered, counted: the fuzz suite's figures and part of its evidence.

export interface Tally {
  /** Frames sent, in all and by kind. */
  frames: number;
  readonly byKind: Record<string, number>;
  /** Error codes the director answered, close codes it closed with, HTTP statuses of upgrades it refused. */
  readonly replies: Record<string, number>;
  readonly closes: Record<string, number>;
  readonly refusedUpgrades: Record<string, number>;
  /** Connections opened: without a hello, with a hostile first frame, and by rogue agents with a token. */
  readonly sessions: { silent: number; unauthenticated: number; rogue: number };
  /** Distinct source addresses used. */
  addresses: number;
  durationMs: number;
}

export function emptyTally(): Tally {
  return { frames: 0, byKind: {}, replies: {}, closes: {}, refusedUpgrades: {}, sessions: { silent: 0, unauthenticated: 0, rogue: 0 }, addresses: 0, durationMs: 0 };
}

export function bump(counts: Record<string, number>, key: string | number, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** A budget of frames shared by every lane of the attack: each takes what it sends, and all stop when it is spent. */
export class FrameBudget {
  private left: number;

  constructor(
    total: number,
    private readonly tally: Tally,
  ) {
    this.left = total;
  }

  get spent(): boolean {
    return this.left <= 0;
  }

  /** Counts one frame of `kind` as sent. */
  take(kind: string): void {
    this.left -= 1;
    this.tally.frames += 1;
    bump(this.tally.byKind, kind);
  }
}
