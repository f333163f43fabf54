// Structured logs (pino, JSON lines on stderr so stdout stays free for command output) and log-once bookkeeping.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A logger writing JSON lines to stderr (fd 2) synchronously, so nothing is lost when the process exits. */
export function createLogger(name: string, level: LevelWithSilent = 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
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
