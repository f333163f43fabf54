// The JSON lines pino writes, made countable: an in-memory logger, and the lines a child process wrote on stderr.
import { pino } from 'pino';
import type { Logger } from '../../shared/logging.js';

/** One log line as pino writes it (the fields the tests look at; the rest is kept). */
export interface LogLine {
  level: number;
  msg: string;
  code?: string;
  [field: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** A logger that keeps every line it writes, parsed, in `lines`. */
export function memoryLogger(level: 'debug' | 'info' = 'debug'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

/** The JSON log lines in a process's stderr; other lines (a fatal message, a stack) are skipped. */
export function jsonLines(stderr: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    out.push(JSON.parse(line) as LogLine);
  }
  return out;
}

/** Lines whose message matches `pattern`, at `level` if given. */
export function linesMatching(lines: readonly LogLine[], pattern: RegExp, level?: number): LogLine[] {
  return lines.filter((l) => pattern.test(l.msg) && (level === undefined || l.level === level));
}
