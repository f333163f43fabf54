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

/** Bytes last read from each table: the next read starts with a buffer that size, so it is read without regrowing. */
const tableSizes = new Map<string, number>();

/**
 * Reads a large seq_file table (/proc/net/tcp, tcp6) into one buffer. Each read() of these files may stop at a page
 * of records, so reading goes on until the kernel returns 0; a big buffer keeps the number of calls low, which matters
 * because a read walks the kernel's TCP hash table (262,144 buckets on a 24 GB host: about 2 ms).
 */
export async function readProcTableBytes(procRoot: string, relPath: string): Promise<Buffer> {
  const file = join(procRoot, relPath);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new ProcUnreadableError(file, { cause: err });
  }
  try {
    let buf = Buffer.allocUnsafe(Math.max(TABLE_CHUNK, Math.ceil((tableSizes.get(file) ?? 0) * 1.25)));
    let used = 0;
    for (;;) {
      if (used === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, used);
        buf = bigger;
      }
      const n = readSync(fd, buf, used, buf.length - used, null);
      if (n === 0) break;
      used += n;
    }
    tableSizes.set(file, used);
    return buf.subarray(0, used);
  } catch (err) {
    throw new ProcUnreadableError(file, { cause: err });
  } finally {
    closeSync(fd);
  }
}

/** Like readProcTableBytes, but undefined when the file does not exist (tcp6 with IPv6 disabled). */
export async function readOptionalProcTableBytes(procRoot: string, relPath: string): Promise<Buffer | undefined> {
  try {
    return await readProcTableBytes(procRoot, relPath);
  } catch (err) {
    const cause = err instanceof Error ? err.cause : undefined;
    if (cause instanceof Error && 'code' in cause && cause.code === 'ENOENT') return undefined;
    throw err;
  }
}
