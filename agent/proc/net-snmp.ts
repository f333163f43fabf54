// Parses /proc/net/snmp: pairs of "Proto: names…" and "Proto: values…" lines, e.g. Tcp PassiveOpens.
import { ProcParseError } from '../errors.js';

export type Snmp = Readonly<Record<string, Readonly<Record<string, number>>>>;

export function parseSnmp(text: string): Snmp {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.split('\n').filter((l) => l.trim());
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [proto, ...names] = (lines[i] ?? '').trim().split(/\s+/);
    const [proto2, ...values] = (lines[i + 1] ?? '').trim().split(/\s+/);
    if (!proto?.endsWith(':') || proto !== proto2 || names.length !== values.length) {
      throw new ProcParseError('net/snmp', `line ${i + 1} and ${i + 2} are not a header/value pair for one protocol`);
    }
    const group: Record<string, number> = {};
    names.forEach((n, k) => {
      const v = Number(values[k]);
      if (!Number.isFinite(v)) throw new ProcParseError('net/snmp', `${proto}${n} is not a number: ${values[k]}`);
      group[n] = v;
    });
    out[proto.slice(0, -1)] = group;
  }
  if (lines.length % 2 !== 0) throw new ProcParseError('net/snmp', 'odd number of lines: a header without values');
  return out;
}
