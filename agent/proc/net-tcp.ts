// Parses /proc/net/tcp and tcp6: per socket its state, local port, and queue lengths (hex in the kernel's format).
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
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const f = line.split(/\s+/);
    const local = f[1]?.split(':');
    const queues = f[4]?.split(':');
    const localPort = local && local.length === 2 ? parseInt(local[1]!, 16) : NaN;
    const state = f[3] ? parseInt(f[3], 16) : NaN;
    const txQueue = queues?.length === 2 ? parseInt(queues[0]!, 16) : NaN;
    const rxQueue = queues?.length === 2 ? parseInt(queues[1]!, 16) : NaN;
    if (![localPort, state, txQueue, rxQueue].every(Number.isFinite)) throw new ProcParseError(file, `line ${i + 1} is not a socket: ${line.slice(0, 80)}`);
    out.push({ localPort, state, rxQueue, txQueue });
  }
  return out;
}
