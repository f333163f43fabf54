// For the service ports in the config: accept-queue length of the listeners, and established connections.
import { parseNetTcp, TCP_ESTABLISHED, TCP_LISTEN, type TcpSocket } from '../proc/net-tcp.js';
import { readOptionalProcTable, readProcTable } from '../proc/read-proc.js';
import { AGENT_DEFAULTS } from '../defaults.js';
import type { Collector, CollectorContext, Metrics } from './collector.js';

export function socketMetrics(sockets: readonly TcpSocket[], ports: readonly number[]): Metrics {
  const out: Metrics = {};
  let queue = 0;
  let listening = false;
  let established = 0;
  for (const port of ports) {
    let q = 0;
    let listeners = 0;
    let est = 0;
    for (const s of sockets) {
      if (s.localPort !== port) continue;
      if (s.state === TCP_LISTEN) {
        listeners++;
        // For a listener /proc/net/tcp puts the accept queue's length in rx_queue (its limit is not shown there).
        q += s.rxQueue;
      } else if (s.state === TCP_ESTABLISHED) est++;
    }
    if (listeners > 0) {
      out[`listen_queue_${port}`] = q;
      queue += q;
      listening = true;
    }
    out[`established_${port}`] = est;
    established += est;
  }
  if (listening) out.listen_queue = queue;
  out.established = established;
  return out;
}

export function socketsCollector(ctx: CollectorContext): Collector {
  return {
    name: 'sockets',
    // Each read of /proc/net/tcp walks the kernel's whole connection hash (about 2 ms per file on a large host).
    minIntervalMs: AGENT_DEFAULTS.socketsMinIntervalMs,
    async collect() {
      if (ctx.ports.length === 0) return {};
      const [v4, v6] = await Promise.all([readProcTable(ctx.procRoot, 'net/tcp'), readOptionalProcTable(ctx.procRoot, 'net/tcp6')]);
      const sockets = parseNetTcp(v4, 'net/tcp');
      if (v6 !== undefined) sockets.push(...parseNetTcp(v6, 'net/tcp6'));
      return socketMetrics(sockets, ctx.ports);
    },
  };
}
