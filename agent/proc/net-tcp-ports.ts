// Counts the LISTEN and ESTABLISHED sockets of the service ports in /proc/net/tcp or tcp6, straight from the file's bytes.
//
// A host with tens of thousands of connections (most of them TIME_WAIT) has a table of several MB. Splitting every
// line into fields would cost the agent more than everything else it does; instead the bytes are searched (natively)
// for each service port's `:PPPP ` field, and only the lines that name a service port are looked at.
import { ProcParseError } from '../errors.js';
import { TCP_ESTABLISHED, TCP_LISTEN } from './net-tcp.js';

/** One service port's sockets in one table. */
export interface PortSockets {
  listeners: number;
  /** For LISTEN sockets the kernel shows the accept queue's length as rx_queue; summed over the port's listeners. */
  acceptQueue: number;
  established: number;
}

const HEADER = /^\s*sl\s+local_address\s+rem(?:ote)?_address\s+st\s+tx_queue/;
const COLON = 0x3a;
const SPACE = 0x20;
const NEWLINE = 0x0a;

/** The value of `len` hex digits at `at`, or NaN if any of them is not one. */
function hexAt(buf: Buffer, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = buf[i] ?? 0;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (d < 0) return NaN;
    v = v * 16 + d;
  }
  return v;
}

function notASocket(buf: Buffer, at: number, file: string): ProcParseError {
  const start = buf.lastIndexOf(NEWLINE, at) + 1;
  const end = buf.indexOf(NEWLINE, at);
  const line = buf.toString('latin1', start, end === -1 ? buf.length : end).trim();
  return new ProcParseError(file, `not a socket line: ${line.slice(0, 80)}`);
}

/** A port as the kernel prints it in the address field: 80 → `:0050 `. */
function portNeedle(port: number): Buffer {
  return Buffer.from(`:${port.toString(16).toUpperCase().padStart(4, '0')} `, 'latin1');
}

const needles = new Map<number, Buffer>();

/**
 * Per port, its listeners, their accept queues and its established sockets in one table, fed in runs of whole lines
 * (the first run starts with the header). A line is `sl: LOCAL:PORT REMOTE:PORT ST TX:RX …` with addresses of 8 (tcp)
 * or 32 (tcp6) hex digits; only a port in the local address counts. `add` throws ProcParseError for a table without
 * the header or a line that names a service port but is not a socket.
 */
export class PortSocketCounter {
  readonly counts = new Map<number, PortSockets>();
  private headerSeen = false;
  /** Hex digits of an address, from the first socket line. */
  private width = 0;

  constructor(
    ports: readonly number[],
    private readonly file = 'net/tcp',
  ) {
    for (const port of ports) this.counts.set(port, { listeners: 0, acceptQueue: 0, established: 0 });
  }

  add(lines: Buffer): void {
    let from = 0;
    if (!this.headerSeen) {
      const headerEnd = lines.indexOf(NEWLINE);
      if (!HEADER.test(lines.toString('latin1', 0, headerEnd === -1 ? lines.length : headerEnd))) {
        throw new ProcParseError(this.file, 'missing the "sl local_address rem_address st tx_queue" header');
      }
      this.headerSeen = true;
      if (headerEnd === -1) return;
      from = headerEnd + 1;
    }
    if (this.width === 0) {
      // `   0: 0100007F:0050 …`
      const slColon = lines.indexOf(COLON, from);
      if (slColon === -1) return;
      this.width = lines.indexOf(COLON, slColon + 2) - (slColon + 2);
      if (this.width !== 8 && this.width !== 32) throw notASocket(lines, slColon, this.file);
    }
    const width = this.width;
    for (const [port, counts] of this.counts) {
      let needle = needles.get(port);
      if (!needle) needles.set(port, (needle = portNeedle(port)));
      for (let at = lines.indexOf(needle, from); at !== -1; at = lines.indexOf(needle, at + 1)) {
        // The local port follows `sl: ` and the local address; a remote port follows the local port.
        if (lines[at - width - 1] !== SPACE || lines[at - width - 2] !== COLON) continue;
        const state = at + 12 + width;
        if (lines[at + 6 + width] !== COLON || lines[state - 1] !== SPACE || lines[state + 2] !== SPACE || lines[state + 11] !== COLON) {
          throw notASocket(lines, at, this.file);
        }
        const st = hexAt(lines, state, 2);
        const rx = hexAt(lines, state + 12, 8);
        if (!Number.isFinite(st) || !Number.isFinite(rx)) throw notASocket(lines, at, this.file);
        if (st === TCP_LISTEN) {
          counts.listeners++;
          counts.acceptQueue += rx;
        } else if (st === TCP_ESTABLISHED) counts.established++;
      }
    }
  }
}

/** The counts of one table held whole in `table`. */
export function countPortSockets(table: Buffer, ports: readonly number[], file = 'net/tcp'): Map<number, PortSockets> {
  const counter = new PortSocketCounter(ports, file);
  counter.add(table);
  return counter.counts;
}
