// Parses /proc/net/sockstat6's TCP6 line: how many IPv6 TCP sockets are in use (listening or connected; not TIME_WAIT).
import { ProcParseError } from '../errors.js';

/** `TCP6: inuse 3` → 3. */
export function parseTcp6InUse(text: string): number {
  const m = /^TCP6: inuse (\d+)/m.exec(text);
  if (!m) throw new ProcParseError('net/sockstat6', 'no "TCP6: inuse" line');
  return Number(m[1]);
}
