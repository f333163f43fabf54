// Parses /proc/vmstat ("name value" lines) into counters.
import { ProcParseError } from '../errors.js';

export function parseVmstat(text: string): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^([a-z0-9_]+)\s+(-?\d+)\s*$/.exec(line);
    if (!m) throw new ProcParseError('vmstat', `cannot read line: ${line.trim()}`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
