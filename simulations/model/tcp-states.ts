// The kernel's TCP state table for IPVS connection entries (net/netfilter/ipvs/ip_vs_proto_tcp.c: tcp_states, the
// normal table, and tcp_timeouts), so the model counts active and inactive entries as a real director lists them.

export type TcpState = 'NONE' | 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT' | 'TIME_WAIT' | 'CLOSE' | 'CLOSE_WAIT' | 'LAST_ACK' | 'LISTEN' | 'SYNACK';

/** Which packets the director sees: NAT both directions (INPUT, OUTPUT), DR and TUN only the client's (INPUT_ONLY). */
export type ForwardingMethod = 'nat' | 'dr';
export type Direction = 'in' | 'out';
/** The flag the kernel keys on, in its order of precedence: rst, then syn, then fin, then ack (tcp_state_idx). */
export type TcpFlag = 'syn' | 'fin' | 'ack' | 'rst';

/** tcp_timeouts[], in ms: how long an entry stays after the last packet that put it in each state. */
export const TCP_TIMEOUT_MS: Readonly<Record<TcpState, number>> = {
  NONE: 2_000,
  ESTABLISHED: 15 * 60_000,
  SYN_SENT: 2 * 60_000,
  SYN_RECV: 60_000,
  FIN_WAIT: 2 * 60_000,
  TIME_WAIT: 2 * 60_000,
  CLOSE: 10_000,
  CLOSE_WAIT: 60_000,
  LAST_ACK: 30_000,
  LISTEN: 2 * 60_000,
  SYNACK: 120_000,
};

/** The columns of the kernel's table, in its order. */
const COLUMNS: readonly TcpState[] = ['NONE', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'SYNACK'];
const [sNO, sES, sSS, sSR, sFW, sTW, sCL, sCW, sLA, sLI, sSA] = COLUMNS as [TcpState, TcpState, TcpState, TcpState, TcpState, TcpState, TcpState, TcpState, TcpState, TcpState, TcpState];

type Row = readonly TcpState[];
interface Block {
  readonly syn: Row;
  readonly fin: Row;
  readonly ack: Row;
  readonly rst: Row;
}

/** Client to server, seen by a NAT director. */
const INPUT: Block = {
  syn: [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
  fin: [sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW],
  ack: [sCL, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
  rst: [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR],
};
/** Server to client, seen only by a NAT director. */
const OUTPUT: Block = {
  syn: [sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR],
  fin: [sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW],
  ack: [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES],
  rst: [sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL],
};
/** Client to server when the director never sees the replies (DR, TUN). */
const INPUT_ONLY: Block = {
  syn: [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
  fin: [sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW],
  ack: [sCL, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
  rst: [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL],
};

/** The state after one packet; `undefined` for a packet the director does not see (a reply under DR). */
export function nextTcpState(state: TcpState, method: ForwardingMethod, dir: Direction, flag: TcpFlag): TcpState | undefined {
  const block = method === 'nat' ? (dir === 'in' ? INPUT : OUTPUT) : dir === 'in' ? INPUT_ONLY : undefined;
  if (block === undefined) return undefined;
  return block[flag][COLUMNS.indexOf(state)];
}

/** ipvsadm's ActiveConn counts ESTABLISHED entries only; every other state is InActConn (set_tcp_state). */
export const isActiveState = (s: TcpState): boolean => s === 'ESTABLISHED';
