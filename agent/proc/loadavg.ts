// Parses /proc/loadavg: "0.74 0.56 0.24 1/88 14896".
import { ProcParseError } from '../errors.js';

export interface Loadavg {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
}

export function parseLoadavg(text: string): Loadavg {
  const parts = text.trim().split(/\s+/);
  const [load1, load5, load15] = parts.slice(0, 3).map(Number);
  if (parts.length < 3 || ![load1, load5, load15].every((v) => v !== undefined && Number.isFinite(v) && v >= 0)) {
    throw new ProcParseError('loadavg', `expected three load averages, got: ${text.trim().slice(0, 80)}`);
  }
  return { load1: load1!, load5: load5!, load15: load15! };
}
