// The variables a weight expression may use: their names, meanings and units, documented in one list.

/** Agent metrics, smoothed by the director (the mean of each report, then an EMA). */
export const AGENT_METRIC_VARIABLES = {
  cpu_idle_pct: 'CPU time idle (idle + iowait), % of all cores',
  cpu_util_pct: 'CPU time busy, % of all cores (100 − cpu_idle_pct)',
  cpu_iowait_pct: 'CPU time waiting for I/O, %',
  cpu_steal_pct: 'CPU time stolen by the hypervisor, %',
  mem_available_pct: 'MemAvailable as % of MemTotal',
  mem_available_bytes: 'MemAvailable in bytes',
  mem_total_bytes: 'MemTotal in bytes',
  swap_used_pct: 'swap in use, % of swap space (0 without swap)',
  swap_total_bytes: 'swap space in bytes',
  swap_in_pages_per_s: 'pages swapped in per second',
  swap_out_pages_per_s: 'pages swapped out per second',
  procs_running: 'runnable processes (/proc/stat)',
  procs_blocked: 'processes blocked on I/O',
  run_queue_per_core: 'runnable processes other than the agent, per core',
  load1: 'one-minute load average (a poor signal; prefer run_queue_per_core)',
  listen_queue: 'connections waiting in the accept queues of the agent’s service ports',
  established: 'established TCP connections on the agent’s service ports',
  tcp_passive_opens_per_s: 'TCP connections accepted per second (whole host)',
  tcp_active_opens_per_s: 'TCP connections opened per second (whole host)',
  tcp_curr_estab: 'established TCP connections (whole host)',
  tcp_retrans_segs_per_s: 'TCP segments retransmitted per second',
} as const;

/** Values the director derives for each real server. */
export const DERIVED_VARIABLES = {
  swap_pages_per_s: 'swap_in_pages_per_s + swap_out_pages_per_s: swapping activity',
  cores: 'CPU cores of the real server, from the agent’s hello',
  base_weight: 'the weight configured for this real server',
  reference_weight: 'the weight an average server gets in capacity mode',
  weight: 'the weight currently in force',
  capacity: 'estimated capacity: connections per second at full CPU (rate ÷ utilisation)',
  capacity_share: 'this server’s capacity ÷ the mean capacity of the service’s live servers',
  active_conns: 'active connections the kernel counts for this destination',
  inactive_conns: 'inactive connections the kernel counts for this destination',
  conn_rate: 'new connections per second the kernel sends to this destination (smoothed)',
} as const;

/** Per-port agent metrics: `listen_queue_80`, `established_8080`. */
export const PER_PORT_VARIABLE = /^(listen_queue|established)_([1-9][0-9]{0,4})$/;

/** Functions and constants an expression may call or name. */
export const EXPRESSION_FUNCTIONS = ['min', 'max', 'abs', 'sqrt', 'pow', 'exp', 'log', 'log10', 'round', 'floor', 'ceil', 'sign'] as const;
export const EXPRESSION_CONSTANTS = ['pi', 'e', 'true', 'false'] as const;

/** True when `name` is a variable the director itself provides (plugin metrics are declared in the config). */
export function isBuiltinVariable(name: string): boolean {
  return name in AGENT_METRIC_VARIABLES || name in DERIVED_VARIABLES || PER_PORT_VARIABLE.test(name);
}

/** Every documented built-in name, for suggestions in error messages. */
export function builtinVariableNames(): string[] {
  return [...Object.keys(AGENT_METRIC_VARIABLES), ...Object.keys(DERIVED_VARIABLES)];
}
