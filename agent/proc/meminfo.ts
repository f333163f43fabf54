// Parses /proc/meminfo into bytes per field ("MemAvailable: 123 kB" → MemAvailable: 125952).
import { ProcParseError } from '../errors.js';

export type Meminfo = Readonly<Record<string, number>>;

export function parseMeminfo(text: string): Meminfo {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (!m) throw new ProcParseError('meminfo', `cannot read line: ${line.trim()}`);
    out[m[1]!] = Number(m[2]) * (m[3] ? 1024 : 1);
  }
  if (out.MemTotal === undefined) throw new ProcParseError('meminfo', 'no MemTotal line');
  return out;
}
