// Parses /proc/loadavg: "0.74 0.56 0.24 1/88 14896".
import { ProcParseError } from '../errors.js';

export interface Loadavg {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
}

export function parseLoadavg(text: string): Loadavg {
  const [load1, load5, load15] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  const valid = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v >= 0;
  if (!valid(load1) || !valid(load5) || !valid(load15)) {
    throw new ProcParseError('loadavg', `expected three load averages, got: ${text.trim().slice(0, 80)}`);
  }
  return { load1, load5, load15 };
}
