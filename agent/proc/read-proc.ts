// Reads one file under the proc root; the only I/O of the collectors, kept apart from the pure parsers.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ProcUnreadableError } from '../errors.js';

/**
 * Read synchronously on purpose: the kernel builds /proc files in memory, so a read takes microseconds, while the
 * promise API costs four thread-pool round trips per file — most of the agent's CPU when it samples every second.
 */
export async function readProcFile(procRoot: string, relPath: string): Promise<string> {
  const file = join(procRoot, relPath);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProcUnreadableError(file, { cause: err });
  }
}

const TABLE_CHUNK = 256 * 1024;

/**
 * Reads a large seq_file table (/proc/net/tcp, tcp6) into one buffer. Each read() of these files may stop at a page
 * of records, so reading goes on until the kernel returns 0; a big buffer keeps the number of calls low, which matters
 * because a read walks the kernel's TCP hash table (262,144 buckets on a 24 GB host: about 2 ms).
 */
export async function readProcTable(procRoot: string, relPath: string): Promise<string> {
  const file = join(procRoot, relPath);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new ProcUnreadableError(file, { cause: err });
  }
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const buf = Buffer.allocUnsafe(TABLE_CHUNK);
      const n = readSync(fd, buf, 0, TABLE_CHUNK, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    throw new ProcUnreadableError(file, { cause: err });
  } finally {
    closeSync(fd);
  }
}

/** Like readProcTable, but undefined when the file does not exist (tcp6 with IPv6 disabled). */
export async function readOptionalProcTable(procRoot: string, relPath: string): Promise<string | undefined> {
  try {
    return await readProcTable(procRoot, relPath);
  } catch (err) {
    const cause = err instanceof Error ? err.cause : undefined;
    if (cause instanceof Error && 'code' in cause && cause.code === 'ENOENT') return undefined;
    throw err;
  }
}
