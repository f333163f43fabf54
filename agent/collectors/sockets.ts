// For the service ports in the config: accept-queue length of the listeners, and established connections.
import { countPortSockets, type PortSockets } from '../proc/net-tcp-ports.js';
import { readOptionalProcTableBytes, readProcTableBytes } from '../proc/read-proc.js';
import { AGENT_DEFAULTS } from '../defaults.js';
import type { Collector, CollectorContext, Metrics } from './collector.js';

/** The metrics of the service ports from their sockets in tcp and tcp6 (one map per table). */
export function socketMetrics(tables: readonly ReadonlyMap<number, PortSockets>[], ports: readonly number[]): Metrics {
  const out: Metrics = {};
  let queue = 0;
  let listening = false;
  let established = 0;
  for (const port of ports) {
    let q = 0;
    let listeners = 0;
    let est = 0;
    for (const table of tables) {
      const c = table.get(port);
      if (!c) continue;
      listeners += c.listeners;
      q += c.acceptQueue;
      est += c.established;
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
      const [v4, v6] = await Promise.all([readProcTableBytes(ctx.procRoot, 'net/tcp'), readOptionalProcTableBytes(ctx.procRoot, 'net/tcp6')]);
      const tables = [countPortSockets(v4, ctx.ports, 'net/tcp')];
      if (v6 !== undefined) tables.push(countPortSockets(v6, ctx.ports, 'net/tcp6'));
      return socketMetrics(tables, ctx.ports);
    },
  };
}
