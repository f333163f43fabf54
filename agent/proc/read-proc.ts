// Reads one file under the proc root; the only I/O of the collectors, kept apart from the pure parsers.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcUnreadableError } from '../../shared/errors.js';

export async function readProcFile(procRoot: string, relPath: string): Promise<string> {
  const file = join(procRoot, relPath);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ProcUnreadableError(file, { cause: err });
  }
}

/** Like readProcFile, but undefined when the file does not exist (tcp6 with IPv6 disabled). */
export async function readOptionalProcFile(procRoot: string, relPath: string): Promise<string | undefined> {
  try {
    return await readProcFile(procRoot, relPath);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === 'ENOENT') return undefined;
    throw err;
  }
}
