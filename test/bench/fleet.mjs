// The benchmarks' fleet: a director config for n agents and the full report each agent sends, the same in every bench.

export const PER_SERVICE = 100;

export const tokenOf = (i) => `bench-token-${i}-0123456789`;

/** A deterministic pseudo-random number in [0, 1) per agent and instant: load differs between agents, not between runs. */
export function noise(i, t) {
  let x = (i * 2654435761 + t * 40503) >>> 0;
  x = (x ^ (x >>> 13)) >>> 0;
  x = Math.imul(x, 0x5bd1e995) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  return (x % 10_000) / 10_000;
}

/** n agents a0…a(n-1), each the agent of one real server; 100 real servers per virtual service; dry run. */
export function fleetConfig(n, agentPort, statusPort, intervalMs) {
  const services = [];
  for (let s = 0; s * PER_SERVICE < n; s++) {
    const realServers = [];
    for (let i = s * PER_SERVICE; i < Math.min(n, (s + 1) * PER_SERVICE); i++) {
      const k = i + 1;
      realServers.push({ address: `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`, agent: `a${i}`, weight: 100 });
    }
    services.push({ name: `svc${s}`, address: `172.${16 + (s >> 8)}.${s & 255}.1`, port: 80, realServers });
  }
  return {
    id: 'bench',
    listen: { host: '127.0.0.1', port: agentPort },
    status: { host: '127.0.0.1', port: statusPort },
    dryRun: true,
    reportInterval: `${intervalMs}ms`,
    logLevel: 'info',
    pluginMetrics: ['postfix_mailq_active', 'postfix_mailq_deferred'],
    agents: Array.from({ length: n }, (_, i) => ({ id: `a${i}`, token: tokenOf(i) })),
    services,
  };
}

const stat = (v) => ({ mean: v, min: v * 0.9, max: v * 1.1, n: 2 });

/** The report of agent `a` ({ i, load, seq }) for the interval ending at ts: the metrics of `agent --once`, two plugins' metrics, three plugins. */
export function reportOf(a, ts, intervalMs) {
  const util = 20 + 50 * a.load + 10 * noise(a.i, ts);
  const rate = 50 + 200 * a.load;
  return {
    type: 'report',
    seq: a.seq++,
    ts,
    intervalMs,
    metrics: {
      cpu_idle_pct: stat(100 - util),
      cpu_iowait_pct: stat(0.2),
      cpu_steal_pct: stat(0),
      cpu_util_pct: stat(util),
      established: stat(40 + 100 * a.load),
      established_80: stat(40 + 100 * a.load),
      listen_queue_80: stat(0),
      load1: stat(util / 25),
      mem_available_bytes: stat(12e9),
      mem_available_pct: stat(60 + 10 * a.load),
      mem_total_bytes: stat(2e10),
      procs_blocked: stat(0),
      procs_running: stat(2),
      run_queue_per_core: stat(0.5),
      swap_in_pages_per_s: stat(0),
      swap_out_pages_per_s: stat(0),
      swap_total_bytes: stat(0),
      swap_used_pct: stat(0),
      tcp_active_opens_per_s: stat(1),
      tcp_curr_estab: stat(45 + 100 * a.load),
      tcp_passive_opens_per_s: stat(rate),
      tcp_retrans_segs_per_s: stat(0.1),
      postfix_mailq_active: stat(3),
      postfix_mailq_deferred: stat(12),
    },
    plugins: {
      mailq: { ok: true, durationMs: 3.2, ageMs: 400 },
      nginx: { ok: true, durationMs: 1.8, ageMs: 400 },
      sockets: { ok: true, durationMs: 9.5, ageMs: 400 },
    },
  };
}
