// Checks, on a table read back from the kernel, that the change one ipvsadm -R line asked for is there.
import { destOf, serviceOf } from './apply-lines.js';
import type { IpvsTable } from './model.js';
import { destIdOf } from './names.js';

export function lineLanded(table: IpvsTable, line: string): boolean {
  const tokens = line.trim().split(/\s+/);
  let svcId: string;
  try {
    svcId = serviceOf(tokens).id;
  } catch {
    return false;
  }
  const svc = table.services.get(svcId);
  if (tokens[0] === '-A') return svc !== undefined;
  if (!svc) return tokens[0] === '-d';
  if (tokens[0] === '-d') return !svc.dests.has(tokens[4] ?? '');
  const want = destOf(tokens);
  const have = svc.dests.get(destIdOf(want));
  return have !== undefined && have.method === want.method && have.weight === want.weight && have.upper === want.upper && have.lower === want.lower;
}
