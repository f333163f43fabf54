// The packets of a TCP connection's opening and closing, walked through the kernel's state table: when its IPVS entry
// turns active or inactive, in client round trips from the start of each phase, and when the entry expires.
import { isActiveState, nextTcpState, TCP_TIMEOUT_MS, type Direction, type ForwardingMethod, type TcpFlag, type TcpState } from './tcp-states.js';

/**
 * The director sits beside the real servers, the client one round trip away: a packet from the server (or the
 * director) gets an answer from the client one round trip later.
 * - open: the client's SYN, the server's SYN-ACK at once, the client's ACK (with its first request) a round trip later;
 * - serverClose: the server's FIN with its last response (HTTP/1.0 style); the client's ACK and its own FIN a round
 *   trip later, the server's last ACK at once;
 * - clientClose: the client's FIN (after its keep-alive idle or at the end of its session); the server's ACK and FIN
 *   at once; the client's last ACK a round trip later.
 */
export type Phase = 'open' | 'serverClose' | 'clientClose';

interface Packet {
  /** In client round trips from the start of the phase. */
  readonly atRtt: number;
  readonly dir: Direction;
  readonly flag: TcpFlag;
}

const PACKETS: Readonly<Record<Phase, readonly Packet[]>> = {
  open: [
    { atRtt: 0, dir: 'in', flag: 'syn' },
    { atRtt: 0, dir: 'out', flag: 'syn' },
    { atRtt: 1, dir: 'in', flag: 'ack' },
  ],
  serverClose: [
    { atRtt: 0, dir: 'out', flag: 'fin' },
    { atRtt: 1, dir: 'in', flag: 'ack' },
    { atRtt: 1, dir: 'in', flag: 'fin' },
    { atRtt: 1, dir: 'out', flag: 'ack' },
  ],
  clientClose: [
    { atRtt: 0, dir: 'in', flag: 'fin' },
    { atRtt: 0, dir: 'out', flag: 'fin' },
    { atRtt: 1, dir: 'in', flag: 'ack' },
  ],
};

/** A phase as the director's table shows it. */
export interface PhaseCourse {
  /** States after each packet the director saw, in order. */
  readonly states: readonly TcpState[];
  /** The entry's state at the end of the phase. */
  readonly state: TcpState;
  /** Whether the entry counts as active once the packets at the phase's start are through (how `open` binds it). */
  readonly activeAtStart: boolean;
  /** When, in round trips from the start, the entry last changed between active and inactive; undefined: never. */
  readonly changeAtRtt: number | undefined;
  /** The last packet the director saw, in round trips from the start: the entry's timer restarts at every packet. */
  readonly lastAtRtt: number;
  /** How long the entry then stays: the kernel's timeout for the final state. */
  readonly timeoutMs: number;
}

/** Walks a phase's packets from `from` through the kernel's table for this forwarding method. */
export function phaseCourse(method: ForwardingMethod, phase: Phase, from: TcpState = phase === 'open' ? 'NONE' : 'ESTABLISHED'): PhaseCourse {
  let state = from;
  let active = isActiveState(from);
  let activeAtStart: boolean | undefined;
  let changeAtRtt: number | undefined;
  let lastAtRtt = 0;
  const states: TcpState[] = [];
  for (const p of PACKETS[phase]) {
    if (activeAtStart === undefined && p.atRtt > 0) activeAtStart = active;
    const next = nextTcpState(state, method, p.dir, p.flag);
    if (next === undefined) continue;
    states.push(next);
    lastAtRtt = p.atRtt;
    // The entry of a new connection counts from the state its first packet puts it in (ip_vs_bind_dest, then
    // set_tcp_state, in the same packet): no change before the phase's start.
    if (isActiveState(next) !== active && !(phase === 'open' && p.atRtt === 0)) changeAtRtt = p.atRtt;
    active = isActiveState(next);
    state = next;
  }
  return { states, state, activeAtStart: activeAtStart ?? active, changeAtRtt, lastAtRtt, timeoutMs: TCP_TIMEOUT_MS[state] };
}
