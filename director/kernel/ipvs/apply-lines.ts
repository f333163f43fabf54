// Applies ipvsadm -R lines to an in-memory table with the semantics measured on a real kernel: each line on its own,
// a line the kernel refuses changes nothing and the next still runs, a syntax error stops the batch there.
import type { Dest, IpvsTable, Service } from './model.js';
import { destIdOf, serviceIdOf } from './names.js';
import { readRestoreLine, type RestoreLine } from './read-line.js';

export interface LineError {
  readonly line: string;
  /** What ipvsadm prints for it (the kernel's words for a refusal), or why it did not run. */
  readonly reason: string;
  /** refused: by the kernel (or not applicable here), the batch went on; syntax: ipvsadm stopped here; not-run: after a stop. */
  readonly kind: 'refused' | 'syntax' | 'not-run';
}

export interface LinesResult {
  readonly table: IpvsTable;
  /** Lines that did not change the table, in order. */
  readonly errors: readonly LineError[];
}

type Services = Map<string, Service & { dests: Map<string, Dest> }>;

/** One line against the table; returns the kernel's words when it refuses, in the order the kernel checks. */
function applyOne(services: Services, line: RestoreLine): string | undefined {
  const id = serviceIdOf(line.service);
  const svc = services.get(id);
  if (line.command === '-A') {
    if (svc) return 'Service already exists';
    services.set(id, { ...line.service, id, scheduler: line.scheduler, options: line.options, dests: new Map() });
    return undefined;
  }
  if (!svc) return 'Service not defined';
  const destId = destIdOf(line.dest);
  if (line.command === '-d') return svc.dests.delete(destId) ? undefined : 'No such destination';
  const { dest } = line;
  if (dest.lower > dest.upper) return 'Numerical result out of range';
  const old = svc.dests.get(destId);
  if (line.command === '-a') {
    if (old) return 'Destination already exists';
    svc.dests.set(destId, { ...dest });
    return undefined;
  }
  if (!old) return 'No such destination';
  svc.dests.set(destId, { ...old, method: dest.method, weight: dest.weight, upper: dest.upper, lower: dest.lower });
  return undefined;
}

export function applyLines(table: IpvsTable, lines: readonly string[]): LinesResult {
  const services: Services = new Map([...table.services].map(([id, s]) => [id, { ...s, dests: new Map(s.dests) }]));
  const errors: LineError[] = [];
  let stoppedAt: number | undefined;
  lines.forEach((line, i) => {
    if (stoppedAt !== undefined) {
      errors.push({ line, reason: `not run: ipvsadm -R stopped at the syntax error on line ${stoppedAt + 1} of the batch`, kind: 'not-run' });
      return;
    }
    const read = readRestoreLine(line);
    if (!read.ok) {
      errors.push({ line, reason: read.reason, kind: read.stops ? 'syntax' : 'refused' });
      if (read.stops) stoppedAt = i;
      return;
    }
    const refused = applyOne(services, read.line);
    if (refused !== undefined) errors.push({ line, reason: refused, kind: 'refused' });
  });
  return { table: { services }, errors };
}
