// For the service ports in the config: accept-queue length of the listeners, and established connections.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PortSocketCounter, type PortSockets } from '../proc/net-tcp-ports.js';
import { parseTcp6InUse } from '../proc/sockstat6.js';
import { readProcFile, scanProcTable } from '../proc/read-proc.js';
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

/**
 * False when /proc/net/sockstat6 says no IPv6 TCP socket is in use: reading tcp6 would then walk the kernel's whole
 * connection hash (as long as reading tcp) to find none. True when sockstat6 is missing or unreadable: tcp6 decides.
 */
async function anyTcp6InUse(procRoot: string): Promise<boolean> {
  if (!existsSync(join(procRoot, 'net/sockstat6'))) return true;
  try {
    return parseTcp6InUse(await readProcFile(procRoot, 'net/sockstat6')) > 0;
  } catch {
    return true;
  }
}

function countTable(procRoot: string, file: string, ports: readonly number[], optional: boolean): PortSocketCounter | undefined {
  const counter = new PortSocketCounter(ports, file);
  return scanProcTable(procRoot, file, (lines) => counter.add(lines), optional) ? counter : undefined;
}

export function socketsCollector(ctx: CollectorContext): Collector {
  return {
    name: 'sockets',
    // Each read of /proc/net/tcp walks the kernel's whole connection hash (about 1.3 ms per file on a 24 GB host).
    minIntervalMs: AGENT_DEFAULTS.socketsMinIntervalMs,
    async collect() {
      if (ctx.ports.length === 0) return {};
      const tables = [countTable(ctx.procRoot, 'net/tcp', ctx.ports, false)!.counts];
      if (await anyTcp6InUse(ctx.procRoot)) {
        const v6 = countTable(ctx.procRoot, 'net/tcp6', ctx.ports, true);
        if (v6) tables.push(v6.counts);
      }
      return socketMetrics(tables, ctx.ports);
    },
  };
}
