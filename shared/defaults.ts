// Every default value and fixed limit of lvs-feedback, in one frozen place, so docs, config and code agree.

/** Deep-freezes plain objects and arrays (not RegExps: matching writes their lastIndex) so no default changes. */
function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || (value && Object.getPrototypeOf(value) === Object.prototype)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export const PROTOCOL = deepFreeze({
  /** Versions this build speaks; an agent and a director must share one. */
  versions: [1] as readonly number[],
  current: 1,
  /** Largest message either side accepts, in bytes (also the WebSocket maxPayload). */
  maxMessageBytes: 64 * 1024,
  /** Most metrics one report may carry. */
  maxMetrics: 256,
  /** Most plugins one report may describe. */
  maxPlugins: 64,
  /** Metric and plugin names: lower case, digits, underscore; usable as variables in weight expressions. */
  namePattern: /^[a-z][a-z0-9_]{0,63}$/,
  /** Longest free-text field (messages, CPU model, versions). */
  maxTextLength: 512,
  /** Report intervals a director may ask for, in ms. */
  minReportIntervalMs: 500,
  maxReportIntervalMs: 60_000,
});

export const AGENT_DEFAULTS = deepFreeze({
  /** Agent id; empty means the host name. */
  id: '',
  procRoot: '/proc',
  /** Built-in collectors sample this often; reports carry mean/min/max of these samples. */
  sampleIntervalMs: 1_000,
  /** Report interval used until a director's welcome asks for another. */
  reportIntervalMs: 2_000,
  /** Service ports whose listen queue and established connections are reported. */
  ports: [] as readonly number[],
  /**
   * The sockets collector runs at most this often: every read of /proc/net/tcp and tcp6 walks the kernel's whole TCP
   * hash (about 2 ms per walk on a 24 GB host, two walks per file), the largest part of the agent's CPU.
   */
  socketsMinIntervalMs: 4_000,
  logLevel: 'info',
  link: {
    /** Reconnect backoff: full jitter over an exponentially growing ceiling. */
    backoffInitialMs: 1_000,
    backoffMaxMs: 30_000,
    backoffFactor: 2,
    /** A connection that stayed up this long resets the backoff. */
    backoffResetAfterMs: 10_000,
    handshakeTimeoutMs: 5_000,
    /** Time allowed between hello and the director's welcome. */
    welcomeTimeoutMs: 5_000,
    /** WebSocket ping period; the peer is declared dead if no pong arrives before the next ping. */
    pingIntervalMs: 10_000,
    /** A report is dropped rather than queued when this many bytes are still unsent. */
    maxBufferedBytes: 64 * 1024,
  },
  plugin: {
    /** How often a plugin runs unless its config says otherwise. */
    intervalMs: 2_000,
    timeoutMs: 1_500,
    /** An executable gets SIGTERM at its timeout, then SIGKILL to its whole process group after this grace. */
    killGraceMs: 200,
    maxStdoutBytes: 64 * 1024,
    maxStderrBytes: 4 * 1024,
    /** A plugin value older than this many of its intervals is no longer reported. */
    staleAfterIntervals: 3,
  },
});

/**
 * V8 flags the agent's service runs with: a 1 MB young generation instead of 16 MB and no optimising compiler. The
 * agent's work is small and periodic, so neither costs it measurable CPU, and its resident memory drops by about 20 MB
 * (see `npm run bench:agent`).
 */
export const AGENT_NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=1', '--lite-mode']);

export const DIRECTOR_DEFAULTS = deepFreeze({
  /** Director id sent in welcome; empty means the host name. */
  id: '',
  listen: { host: '0.0.0.0', port: 7654 },
  logLevel: 'info',
  /** How often the director decides (reads the table, steps the core, writes changes). */
  controlIntervalMs: 1_000,
  /** Local status endpoint (HTTP, JSON) for `lvs-feedback status`; loopback only by default. */
  status: { host: '127.0.0.1', port: 7655 },
  /** On exit: leave the table as it is, or write back the configured weights. */
  onExit: 'leave' as 'leave' | 'restore',
  ipvs: {
    /** The ipvsadm binary the director runs. */
    binary: 'ipvsadm',
    /** Time one ipvsadm process may take before it is killed. */
    timeoutMs: 10_000,
    /** Re-sends of lines that did not land, before they are reported failed. */
    retries: 2,
  },
  smoothing: {
    /** EMA time constant for every input (Julian: average each input over about 10 s). */
    tauMs: 10_000,
    /** A new or returning agent's first reports do not move its weight for this long (gRPC A58 blackout). */
    blackoutMs: 10_000,
  },
  /** No report for this many report intervals makes an agent stale. */
  staleAfterIntervals: 3,
  /** A weight someone else changed in the kernel is left alone this long before control resumes. */
  externalEditHoldMs: 300_000,
  service: {
    mode: 'capacity' as 'capacity' | 'expression',
    /**
     * Scheduler used only when the director is asked to create the service. nq (or sed) rather than wlc: wlc counts
     * closed connections (TIME_WAIT, 2 min) in its overhead, so every weight change starves or floods a server until
     * those counts catch up (see simulations/README.md).
     */
    scheduler: 'nq',
    referenceWeight: 100,
    minWeight: 0,
    maxWeight: 1_000,
    stalePolicy: 'configured' as 'configured' | 'hold' | 'quiesce',
    damping: {
      /** 10 % (not 5 %): same p99 in every simulated scenario, a third of the writes with noisy samples. */
      deadbandPct: 10,
      maxStepPct: 25,
      minIntervalMs: 4_000,
      slowStartMs: 60_000,
      slowStartFromPct: 10,
    },
    capacity: {
      utilizationFloor: 0.1,
      rateFrom: 'auto' as 'kernel' | 'agent' | 'auto',
    },
    fallback: {
      afterMs: 10_000,
      recoverAfterMs: 30_000,
      recoverCount: 1,
      keepWeight: 1,
      keepCount: 1,
    },
  },
  realServer: { weight: 100, method: 'masq' as 'masq' | 'route' | 'tunnel', upperThreshold: 0, lowerThreshold: 0 },
  sorryServer: { weight: 1, method: 'masq' as 'masq' | 'route' | 'tunnel' },
  /** The report interval the director asks agents for in its welcome. */
  reportIntervalMs: 2_000,
  agents: {
    /** A connection must say hello within this time. */
    helloTimeoutMs: 5_000,
    pingIntervalMs: 10_000,
    /** More messages than this per second on one connection closes it (a report every 500 ms is the fastest legal). */
    maxMessagesPerSecond: 20,
    /** Bad messages in a row before a connection is closed; each is answered and logged once. */
    maxConsecutiveBadMessages: 10,
    /** Connections beyond this many (authenticated or not) are refused at the upgrade. */
    maxConnections: 1_024,
  },
});
