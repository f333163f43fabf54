// Reads and writes a kernel setting (sysctl) as a file under a proc root, so tests can point it at a temporary folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../shared/errors.js';
import { SysctlAccessError } from '../errors.js';

/** The setting that decides whether a weight-0 destination loses its persistent clients (1) or keeps them (0). */
export const EXPIRE_QUIESCENT_TEMPLATE = 'net.ipv4.vs.expire_quiescent_template';

/** The file of a sysctl: `net.ipv4.vs.x` → `<procRoot>/sys/net/ipv4/vs/x`. */
export function sysctlPath(procRoot: string, name: string): string {
  return join(procRoot, 'sys', ...name.split('.'));
}

/** A sysctl's value as read, or why it could not be read; `source` says where a value came from when not the file. */
export type SysctlReading = { readonly value: number; readonly source?: string } | { readonly error: SysctlAccessError };

export function readSysctl(procRoot: string, name: string): SysctlReading {
  const file = sysctlPath(procRoot, name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    return { error: new SysctlAccessError(file, `cannot read it: ${messageOf(err)}`, { cause: err }) };
  }
  if (!/^-?\d+$/.test(text)) return { error: new SysctlAccessError(file, `not a whole number: ${JSON.stringify(text.slice(0, 40))}`) };
  return { value: Number(text) };
}

/** Writes a sysctl; throws SysctlAccessError when the kernel (or the file system) refuses. */
export function writeSysctl(procRoot: string, name: string, value: number): void {
  const file = sysctlPath(procRoot, name);
  try {
    // r+: a sysctl that does not exist is an error, never a new file.
    writeFileSync(file, `${value}\n`, { flag: 'r+' });
  } catch (err) {
    throw new SysctlAccessError(file, `cannot write ${value}: ${messageOf(err)}`, { cause: err });
  }
}
