// Parses /proc/net/tcp and tcp6: per socket its state, local port, and queue lengths (hex in the kernel's format).
// The agent itself counts only its service ports (net-tcp-ports.ts); this full parser is what that count is held to.
import { ProcParseError } from '../errors.js';

export const TCP_ESTABLISHED = 0x01;
export const TCP_LISTEN = 0x0a;

export interface TcpSocket {
  readonly localPort: number;
  readonly state: number;
  /** For a LISTEN socket: the accept queue's length. */
  readonly rxQueue: number;
  readonly txQueue: number;
}

export function parseNetTcp(text: string, file = 'net/tcp'): TcpSocket[] {
  const lines = text.split('\n');
  if (!/^\s*sl\s+local_address\s+rem(?:ote)?_address\s+st\s+tx_queue/.test(lines[0] ?? '')) throw new ProcParseError(file, 'missing the "sl local_address rem_address st tx_queue" header');
  const out: TcpSocket[] = [];
  /** Both halves of a "hex:hex" field, as numbers (NaN when the field is not one). */
  const pair = (field: string | undefined): [number, number] => {
    const halves = field?.split(':') ?? [];
    return halves.length === 2 ? [parseInt(halves[0] ?? '', 16), parseInt(halves[1] ?? '', 16)] : [NaN, NaN];
  };
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (i === 0 || !line) continue;
    const f = line.split(/\s+/);
    const [, localPort] = pair(f[1]);
    const state = f[3] ? parseInt(f[3], 16) : NaN;
    const [txQueue, rxQueue] = pair(f[4]);
    if (![localPort, state, txQueue, rxQueue].every(Number.isFinite)) throw new ProcParseError(file, `line ${i + 1} is not a socket: ${line.slice(0, 80)}`);
    out.push({ localPort, state, rxQueue, txQueue });
  }
  return out;
}
