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

const NEWLINE = 0x0a;
/** One buffer for every table read (reads are synchronous, one at a time): memory stays flat however big the table. */
let tableBuffer: Buffer | undefined;

/**
 * Reads a large seq_file table (/proc/net/tcp, tcp6) through one reused buffer, handing `onLines` each run of whole
 * lines (the first run starts with the header); `onLines` must not keep the bytes. Each read() of these files may
 * stop at a page of records, so reading goes on until the kernel returns 0; a big buffer keeps the number of calls
 * low, which matters because a read walks the kernel's TCP hash table (262,144 buckets on a 24 GB host: about 1.3 ms
 * with no sockets at all). Returns false, having read nothing, when `optional` and the file does not exist.
 */
export function scanProcTable(procRoot: string, relPath: string, onLines: (lines: Buffer) => void, optional = false): boolean {
  const file = join(procRoot, relPath);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if (optional && err instanceof Error && 'code' in err && err.code === 'ENOENT') return false;
    throw new ProcUnreadableError(file, { cause: err });
  }
  try {
    let buf = (tableBuffer ??= Buffer.allocUnsafe(TABLE_CHUNK));
    let carry = 0;
    for (;;) {
      const n = readSync(fd, buf, carry, buf.length - carry, null);
      const end = carry + n;
      if (n === 0) {
        if (end > 0) onLines(buf.subarray(0, end)); // a last line without its newline
        return true;
      }
      const last = buf.lastIndexOf(NEWLINE, end - 1);
      if (last === -1) {
        carry = end;
        if (carry === buf.length) {
          // One line longer than the buffer: not a socket table, but read it whole anyway.
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, carry);
          buf = bigger;
        }
        continue;
      }
      onLines(buf.subarray(0, last + 1));
      carry = end - (last + 1);
      buf.copy(buf, 0, last + 1, end);
    }
  } catch (err) {
    throw err instanceof ProcUnreadableError || !(err instanceof Error && 'errno' in err) ? err : new ProcUnreadableError(file, { cause: err });
  } finally {
    closeSync(fd);
  }
}
