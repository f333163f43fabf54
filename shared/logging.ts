// Structured logs (pino, JSON lines on stderr so stdout stays free for command output) and log-once bookkeeping.
import { writeSync } from 'node:fs';
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What became of the lines written to the log: how many could not be written, and the last reason. */
export interface LogHealth {
  readonly failedWrites: number;
  readonly lastError?: string;
}

let failedWrites = 0;
let lastError: string | undefined;

/** Lines lost to a log destination that refused them (a full disk, stderr at /dev/full, a closed pipe). */
export function logHealth(): LogHealth {
  return lastError === undefined ? { failedWrites } : { failedWrites, lastError };
}

/**
 * Writes each line to fd 2 synchronously (nothing is lost when the process exits) and never throws: a log that cannot
 * be written costs the line, counted in logHealth(), never the process. The director and the agent must go on
 * balancing when their disk is full.
 */
export const stderrDestination = {
  write(line: string): void {
    const buf = Buffer.from(line);
    let off = 0;
    // A pipe that is full for a moment (EAGAIN) is waited for a little; anything else loses this line.
    for (let retries = 0; off < buf.length; ) {
      try {
        off += writeSync(2, buf, off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' && retries++ < 1_000) continue;
        failedWrites++;
        lastError = code ?? String(err);
        return;
      }
    }
  },
};

/** A logger writing JSON lines to stderr (fd 2) synchronously, never failing the process when it cannot. */
export function createLogger(name: string, level: LevelWithSilent = 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, stderrDestination);
}

/**
 * Sets `key` in `map` as its newest entry, forgetting the oldest beyond `max`: for maps keyed by what others send
 * (addresses), which must not grow without bound.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/**
 * Remembers which conditions were already logged, so a failure repeating every second is logged once when it
 * starts (or changes) and once when it clears, not on every sample.
 */
export class LogOnce {
  private readonly seen = new Map<string, string>();

  /** `maxKeys`: where keys come from outside (addresses), the oldest are forgotten beyond this many. */
  constructor(private readonly maxKeys = Number.POSITIVE_INFINITY) {}

  /** True when `key` is new or its `signature` changed since it was last reported; records it. */
  shouldLog(key: string, signature: string): boolean {
    if (this.seen.get(key) === signature) return false;
    setBounded(this.seen, key, signature, this.maxKeys);
    return true;
  }

  /** How many conditions it remembers. */
  get size(): number {
    return this.seen.size;
  }

  /** Forgets `key`; returns true if it had been logged (so the caller can log the recovery). */
  clear(key: string): boolean {
    return this.seen.delete(key);
  }

  /** Forgets every key that starts with `prefix`. */
  clearPrefix(prefix: string): void {
    for (const key of this.seen.keys()) if (key.startsWith(prefix)) this.seen.delete(key);
  }
}

/**
 * A budget of log lines per interval for lines that others can cause (refused connections and messages): beyond it
 * lines are counted instead of written, and the counts are handed out once their interval is over.
 */
export class LogBudget {
  private windowStart: number;
  private used = 0;
  /** Lines not written in the current interval, by kind. */
  private readonly current = new Map<string, number>();
  /** Lines not written in intervals that have ended and not yet said, by kind. */
  private readonly ended = new Map<string, number>();

  constructor(
    private readonly lines: number,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {
    this.windowStart = now();
  }

  /** True when a line of this kind may be written now; otherwise counts it. */
  allow(kind: string): boolean {
    this.roll();
    if (this.used < this.lines) {
      this.used++;
      return true;
    }
    this.current.set(kind, (this.current.get(kind) ?? 0) + 1);
    return false;
  }

  /** What was not written in intervals that have ended, once (then forgotten); undefined when nothing was held back. */
  takeSuppressed(): { readonly total: number; readonly byKind: Readonly<Record<string, number>> } | undefined {
    this.roll();
    if (this.ended.size === 0) return undefined;
    const byKind = Object.fromEntries(this.ended);
    this.ended.clear();
    return { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
  }

  private roll(): void {
    const now = this.now();
    if (now - this.windowStart < this.intervalMs) return;
    for (const [kind, n] of this.current) this.ended.set(kind, (this.ended.get(kind) ?? 0) + n);
    this.current.clear();
    this.used = 0;
    this.windowStart = now;
  }
}

/** A text for a log line, cut to `max` characters: what others send is never logged whole. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
