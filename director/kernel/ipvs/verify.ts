// Checks, on a table read back from the kernel, that the change one ipvsadm -R line asked for is there.
import type { IpvsTable } from './model.js';
import { destIdOf, serviceIdOf } from './names.js';
import { readRestoreLine } from './read-line.js';

export function lineLanded(table: IpvsTable, text: string): boolean {
  const read = readRestoreLine(text);
  if (!read.ok) return false;
  const { line } = read;
  const svc = table.services.get(serviceIdOf(line.service));
  if (line.command === '-A') return svc !== undefined;
  if (!svc) return line.command === '-d';
  const have = svc.dests.get(destIdOf(line.dest));
  if (line.command === '-d') return have === undefined;
  const want = line.dest;
  return have !== undefined && have.method === want.method && have.weight === want.weight && have.upper === want.upper && have.lower === want.lower;
}
