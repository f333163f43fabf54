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
 * Remembers which conditions were already logged, so a failure repeating every second is logged once when it
 * starts (or changes) and once when it clears, not on every sample.
 */
export class LogOnce {
  private readonly seen = new Map<string, string>();

  /** True when `key` is new or its `signature` changed since it was last reported; records it. */
  shouldLog(key: string, signature: string): boolean {
    if (this.seen.get(key) === signature) return false;
    this.seen.set(key, signature);
    return true;
  }

  /** Forgets `key`; returns true if it had been logged (so the caller can log the recovery). */
  clear(key: string): boolean {
    return this.seen.delete(key);
  }
}
