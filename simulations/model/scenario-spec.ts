// How a scenario describes a cluster and what happens to it; the runner turns this into events.

export interface ServerSpec {
  readonly cores: number;
  /** Work units per second per core (1 = the reference core). */
  readonly speed: number;
}

export interface RequestClass {
  readonly share: number;
  /** Mean work of one request, in seconds of one reference core. */
  readonly meanWork: number;
  /** Coefficient of variation of the work (log-normal). */
  readonly cv: number;
}

/** At least one request class: every arrival belongs to one. */
export type RequestClasses = readonly [RequestClass, ...RequestClass[]];

/**
 * How TCP connections live, as the kernel's table counts them (ip_vs_proto_tcp.c). Without this block a connection
 * carries one request on a LAN: established while served, closed by the server with its response.
 */
export interface ConnectionSpec {
  /**
   * The client's round trip, ms. The entry is in SYN_RECV (inactive) for one round trip before the client's ACK makes
   * it ESTABLISHED; a response takes half a round trip to reach the client. 0 or absent: a LAN.
   */
  readonly rttMs?: number;
  /** Mean requests per connection (geometric, at least 1); absent = 1. Not with `sessionS`. */
  readonly requestsPerConnection?: number;
  /** Mean think time (exponential, s) from a response reaching the client to its next request; absent = 0. */
  readonly thinkS?: number;
  /**
   * Keep-alive: after its last response the connection stays established and idle this long (s) before the client
   * closes it. Absent or 0 (and no session): the server closes the connection with its last response.
   */
  readonly keepAliveS?: number;
  /**
   * Long sessions (IMAP, WebSocket): the client holds the connection open for a session of this mean length
   * (exponential, s), sending a request after each think time (`thinkS`, which must be > 0) while the session lasts,
   * and closes it at the session's end (plus `keepAliveS` if given).
   */
  readonly sessionS?: number;
  /** NAT (absent): the director sees both directions. DR: only the client's packets (the kernel's INPUT_ONLY table). */
  readonly method?: 'nat' | 'dr';
}

export interface ScenarioSpec {
  readonly name: string;
  readonly title: string;
  readonly servers: readonly ServerSpec[];
  readonly classes: RequestClasses;
  /** New connections per second at time t (seconds); datagrams per second for `protocol: 'udp-ops'`. */
  readonly rate: (tS: number) => number;
  readonly durationS: number;
  readonly warmupS: number;
  /** Standard deviation of the noise on each CPU sample, in percentage points. */
  readonly noisePct?: number;
  /** Delay between a report leaving the agent and the director having it. */
  readonly reportDelayMs?: number;
  readonly background?: { readonly server: number; readonly fromS: number; readonly toS: number; readonly threads: number };
  readonly silent?: { readonly servers: readonly number[]; readonly fromS: number; readonly toS: number };
  /** The server is out of the table (a health checker removed it) until this time, then added back. */
  readonly rejoin?: { readonly server: number; readonly atS: number };
  readonly sorry?: boolean;
  /** A window with its own response-time figures (the background job, the rejoin). */
  readonly window?: { readonly fromS: number; readonly toS: number; readonly label: string };
  /** Connection life cycles (handshake round trip, keep-alive, long sessions, DR); absent: today's short connections. */
  readonly connections?: ConnectionSpec;
  /**
   * 'udp-ops': a UDP service with one-packet scheduling (ipvsadm -o), each datagram one request scheduled on its own:
   * no entries stay (ActiveConn and InActConn are 0 at every pick), Conns and CPS count datagrams, the agents see no
   * TCP connections. Absent: TCP.
   */
  readonly protocol?: 'tcp' | 'udp-ops';
  /**
   * What the director's table view gives as the connection rate. 'exact' (absent): the connections of the last 2 s
   * ÷ 2, no Conns counter. 'kernel': CPS from the kernel's integer estimator (`-Ln --rate`) and the cumulative Conns
   * (`-Ln --stats --exact`), as the live director reads them.
   */
  readonly kernelCounters?: 'exact' | 'kernel';
  /**
   * Active/active directors (absent = 1): arrivals split at random between them (ECMP), each its own IPVS service
   * (scheduler state, counters, estimator); the same agents report to all.
   */
  readonly directors?: number;
  /** A server's speed falls linearly from 1 to `factor` between the two times (a slowly degrading server). */
  readonly degrade?: { readonly server: number; readonly fromS: number; readonly toS: number; readonly factor: number };
}

export const totalCapacity = (s: ScenarioSpec): number => s.servers.reduce((a, x) => a + x.cores * x.speed, 0);
export const meanWork = (s: ScenarioSpec): number => s.classes.reduce((a, c) => a + c.share * c.meanWork, 0);
/** The arrival rate that loads the whole cluster to `fraction` of its capacity. */
export const rateFor = (s: Pick<ScenarioSpec, 'servers' | 'classes'>, fraction: number): number =>
  (fraction * s.servers.reduce((a, x) => a + x.cores * x.speed, 0)) / s.classes.reduce((a, c) => a + c.share * c.meanWork, 0);

/**
 * Mean requests a connection carries: `requestsPerConnection`, or for sessions 1 + sessionS ÷ thinkS (one request,
 * then one per think time while the session lasts, response times neglected).
 */
export function requestsPerConnection(c: ConnectionSpec | undefined): number {
  if (c?.sessionS !== undefined) return c.thinkS !== undefined && c.thinkS > 0 ? 1 + c.sessionS / c.thinkS : 1;
  return Math.max(1, c?.requestsPerConnection ?? 1);
}

/** The connection rate that loads the cluster to `fraction` of its capacity, given how many requests each carries. */
export const connectionRateFor = (s: Pick<ScenarioSpec, 'servers' | 'classes' | 'connections'>, fraction: number): number =>
  rateFor(s, fraction) / requestsPerConnection(s.connections);
