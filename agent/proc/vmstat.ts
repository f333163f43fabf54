// Parses /proc/vmstat ("name value" lines) into counters.
import { ProcParseError } from '../errors.js';

export function parseVmstat(text: string): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^([a-z0-9_]+)\s+(-?\d+)\s*$/.exec(line);
    const key = m?.[1];
    if (key === undefined) throw new ProcParseError('vmstat', `cannot read line: ${line.trim()}`);
    out[key] = Number(m?.[2]);
  }
  return out;
}
