// Applies ipvsadm -R lines to an in-memory table with ipvsadm's semantics: each line on its own, errors per line.
import type { Dest, IpvsTable, Service } from './model.js';
import { destIdOf } from './names.js';
import { messageOf } from '../../../shared/errors.js';
import { parseSave } from './parse-save.js';

export interface LinesResult {
  readonly table: IpvsTable;
  /** Lines the kernel would refuse, with the reason ipvsadm gives. */
  readonly errors: readonly { readonly line: string; readonly reason: string }[];
}

/** The service a line names, read by the save parser from a synthetic `-A` line. */
export function serviceOf(tokens: readonly string[]): Service {
  return [...parseSave(`-A ${tokens.slice(1, 3).join(' ')}`).services.values()][0]!;
}

/** -a and -e take the options of a saved -a line, so the save parser reads either. */
export function destOf(tokens: readonly string[]): Dest {
  const text = `-A ${tokens.slice(1, 3).join(' ')}\n-a ${tokens.slice(1).join(' ')}`;
  return [...[...parseSave(text).services.values()][0]!.dests.values()][0]!;
}

export function applyLines(table: IpvsTable, lines: readonly string[]): LinesResult {
  const services = new Map([...table.services].map(([id, s]) => [id, { ...s, dests: new Map(s.dests) }]));
  const errors: { line: string; reason: string }[] = [];
  for (const line of lines) {
    const tokens = line.trim().split(/\s+/);
    try {
      if (tokens[0] === '-A') {
        const s = [...parseSave(line).services.values()][0]!;
        if (services.has(s.id)) throw new Error('Service already exists');
        services.set(s.id, { ...s, dests: new Map() });
        continue;
      }
      const svc = services.get(serviceOf(tokens).id);
      if (!svc) throw new Error('No such service');
      if (tokens[0] === '-d') {
        if (!svc.dests.delete(tokens[4] ?? '')) throw new Error('No such destination');
        continue;
      }
      const dest = destOf(tokens);
      const id = destIdOf(dest);
      const old = svc.dests.get(id);
      if (tokens[0] === '-a') {
        if (old) throw new Error('Destination already exists');
        svc.dests.set(id, dest);
      } else if (tokens[0] === '-e') {
        if (!old) throw new Error('No such destination');
        svc.dests.set(id, { ...old, method: dest.method, weight: dest.weight, upper: dest.upper, lower: dest.lower });
      } else {
        throw new Error(`unknown command ${tokens[0]}`);
      }
    } catch (err) {
      errors.push({ line, reason: messageOf(err) });
    }
  }
  return { table: { services }, errors };
}
