// Durations in config files: seconds as a number, or a string with a unit ("250ms", "2s", "1.5m", "1h").
import { DurationInvalidError, messageOf } from './errors.js';
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Parses a duration to milliseconds; throws DurationInvalidError for anything else, including negatives. */
export function parseDurationMs(value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value * 1_000;
    throw new DurationInvalidError(value);
  }
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
    // The pattern guarantees both groups, and the unit group only matches keys of UNIT_MS.
    if (m) return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  }
  throw new DurationInvalidError(value);
}

/** A config field holding a duration; validates to milliseconds and keeps the parser's wording on error. */
export const durationMsSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseDurationMs(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: messageOf(err) });
    return z.NEVER;
  }
});
