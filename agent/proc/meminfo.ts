// Parses /proc/meminfo into bytes per field ("MemAvailable: 123 kB" → MemAvailable: 125952).
import { ProcParseError } from '../errors.js';

/** Every field in bytes (or as a count); MemTotal is always there. */
export type Meminfo = Readonly<Record<string, number>> & { readonly MemTotal: number };

export function parseMeminfo(text: string): Meminfo {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    const key = m?.[1];
    if (key === undefined) throw new ProcParseError('meminfo', `cannot read line: ${line.trim()}`);
    out[key] = Number(m?.[2]) * (m?.[3] ? 1024 : 1);
  }
  const memTotal = out.MemTotal;
  if (memTotal === undefined) throw new ProcParseError('meminfo', 'no MemTotal line');
  return { ...out, MemTotal: memTotal };
}
