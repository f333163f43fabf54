// Every default value and fixed limit of the director, in one frozen place, so docs, config and code agree.
import { deepFreeze } from '../shared/deep-freeze.js';
import type { LOG_LEVELS } from '../shared/logging.js';
import type { AddressProtocol, Method } from './kernel/ipvs/names.js';

// `'value' as Union` widens a literal to the union the config accepts: the object's type is inferred, not declared.
export const DIRECTOR_DEFAULTS = deepFreeze({
  /** Director id sent in welcome; empty means the host name. */
  id: '',
  /** The id when it is empty and the host has no name either. */
  idWithoutHostName: 'director',
  listen: { host: '0.0.0.0', port: 7654 },
  logLevel: 'info' as (typeof LOG_LEVELS)[number],
  /** How often the director decides (reads the table, steps the core, writes changes). */
  controlIntervalMs: 1_000,
  /**
   * Decisions fall on a wall-clock grid of the control interval, so every director fed by the same agents decides at
   * the same instants from the same reports (docs/neighbours.md).
   */
  decisions: {
    /** A decision for grid time g is taken this long after g: reports timed up to g may still be on their way. */
    settleMs: 500,
    /** A report whose agent clock is further than this from the director's is timed by its arrival instead. */
    maxClockSkewMs: 2_000,
    /** After a stall, at most this many missed grid decisions are caught up; older ones are skipped. */
    maxCatchUp: 30,
    /** Reports waiting for their grid decision, per agent (a report is at most one interval ahead). */
    maxPendingPerAgent: 8,
    /**
     * An agent's clock going beyond maxClockSkewMs, or back, is said at most once per this long: a clock near the
     * limit (or an agent that sets its times at will) flips at every report, and each flip must not be a line.
     */
    clockNoticeQuietMs: 60_000,
  },
  /** Local status endpoint (HTTP, JSON) for `lvs-feedback status`; loopback only by default. */
  /**
   * `stuckAfter`: status and GET /healthz call the controller stuck, and the director unhealthy, when no decision has
   * been made for this long (a table that cannot be read, an ipvsadm that hangs at every run: each run is killed at
   * ipvs.timeoutMs, so a working controller decides at least every few of those).
   */
  status: { host: '127.0.0.1', port: 7655, enabled: true, stuckAfter: 30_000 },
  /**
   * Status `perf`: decision durations and event-loop delay (sampled every `loopResolutionMs`) over windows of
   * `windowMs`, the last complete one and the one running.
   */
  perf: { windowMs: 60_000, loopResolutionMs: 10 },
  /** Status bodies with more real servers than this are sent as one line, not indented (a tenth of the bytes). */
  statusIndentUpTo: 1_000,
  /** How long `lvs-feedback status` waits for the director's answer. */
  statusClientTimeoutMs: 5_000,
  /** On exit: leave the table as it is, or write back the configured weights. */
  onExit: 'leave' as 'leave' | 'restore',
  /** Decide and log the ipvsadm lines, but write nothing to the kernel. */
  dryRun: false,
  /** Plugin metric names expressions may use besides the built-in variables. */
  pluginMetrics: [],
  ipvs: {
    /** The ipvsadm binary the director runs. */
    binary: 'ipvsadm',
    /** Time one ipvsadm process may take before it is killed. */
    timeoutMs: 10_000,
    /** Re-sends of lines that did not land, before they are reported failed. */
    retries: 2,
    /**
     * net.ipv4.vs.expire_quiescent_template to write at start: true 1, false 0, null leaves it as it is (the director
     * changes no kernel setting unless told to). 1 drains a weight-0 server of its persistent clients; 0 keeps them.
     */
    expireQuiescentTemplate: null as boolean | null,
  },
  /** Where the kernel's /proc is (the sysctls the director reads and may write live under it). */
  procRoot: '/proc',
  smoothing: {
    /**
     * EMA time constant for every input. 20 s, not the 10 s of the seeds: with the capacity law and the same p99 in
     * the simulated families, half the weight changes where completions are few or samples noisy (simulations/README.md).
     */
    tauMs: 20_000,
    /** A new or returning agent's first reports do not move its weight for this long (gRPC A58 blackout). */
    blackoutMs: 10_000,
    /**
     * The smoothing window unless the config sets one: this many time constants, and never shorter than
     * `windowMinMs`. Smoothed means restart on a wall-clock grid of it and the damping realigns on it once (the
     * deadband set aside), so directors whose histories differ agree again (docs/neighbours.md).
     */
    windowTimeConstants: 5,
    windowMinMs: 60_000,
    /** The variance behind the capacity estimate's standard error is taken over this many time constants. */
    noiseTimeConstants: 3,
    /** Reports are summed over grid slots of this many time constants before they enter those variances. */
    noiseBatchTimeConstants: 0.5,
  },
  /** No report for this many report intervals makes an agent stale (unless the config sets staleAfter). */
  staleAfterIntervals: 3,
  /** A weight someone else changed in the kernel is left alone this long before control resumes. */
  externalEditHoldMs: 300_000,
  service: {
    protocol: 'tcp' as AddressProtocol,
    /** Create the virtual service when the kernel lacks it; off: report it missing. */
    create: false,
    sorryServers: [],
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
    /**
     * Under stalePolicy configured, a stale agent's weight is first held this long (counted from its last report), as
     * gRPC A58 keeps a weight 3 min: an agent restarting or cut off for a while is not a reason to forget what its
     * server can take, and a weight kept for ever is the complaint its trackers have.
     */
    staleHoldMs: 180_000,
    damping: {
      /** 10 % (not 5 %): same p99 in every simulated scenario, a third of the writes with noisy samples. */
      deadbandPct: 10,
      /**
       * The deadband widens to this many standard errors of the capacity estimate (capacity mode; 0: never), up to one
       * step: few completions per interval, a heavy request mix or noisy CPU samples make the estimate wander by more
       * than 10 %. 2.5, not 2: fewer reversals where samples are noisy or few, at the same p99 there (ablations.md).
       */
      noiseErrors: 2.5,
      maxStepPct: 25,
      minIntervalMs: 4_000,
      slowStartMs: 60_000,
      slowStartFromPct: 10,
    },
    capacity: {
      utilizationFloor: 0.1,
      rateFrom: 'auto' as 'kernel' | 'agent' | 'auto',
      /**
       * No server's capacity counts for more than this many times the median of the other servers' (with at least one
       * other known): one agent that lies about its rate cannot take all the traffic and starve the rest. Real spreads
       * in one service are far smaller (the simulations' widest is 4:1).
       */
      maxRatio: 10,
      /**
       * Within a smoothing window, a server's capacity counts for at most this factor more per minute than it last
       * counted for (falls are never held back): an agent that starts lying climbs instead of jumping, and its admin
       * sees the notes; each window starts from what the smoothed reports say, so two directors agree again.
       */
      maxGrowthPerMinute: 2,
    },
    fallback: {
      afterMs: 10_000,
      recoverAfterMs: 30_000,
      recoverCount: 1,
      keepWeight: 1,
      keepCount: 1,
    },
  },
  /** A real server's port, minWeight and maxWeight default to its service's. */
  realServer: { weight: 100, method: 'masq' as Method, upperThreshold: 0, lowerThreshold: 0 },
  /** A sorry server's port defaults to its service's. */
  sorryServer: { weight: 1, method: 'masq' as Method },
  /** The report interval the director asks agents for in its welcome. */
  reportIntervalMs: 2_000,
  /** LimitNOFILE of the director's unit: an open file per agent connection, with room to spare. */
  unitOpenFiles: 65_536,
  agents: {
    /** A connection must say hello within this time (and an upgrade request be complete). */
    helloTimeoutMs: 3_000,
    pingIntervalMs: 10_000,
    /** More messages than this per second on one connection closes it (a report every 500 ms is the fastest legal). */
    maxMessagesPerSecond: 20,
    /** Bad messages in a row before a connection is closed; each is answered and logged once. */
    maxConsecutiveBadMessages: 10,
    /** Connections beyond this many (authenticated or not) are refused at the upgrade (503), logged. */
    maxConnections: 25_000,
    /** From one address (agents behind one NAT share it): beyond this many, refused (429). */
    maxConnectionsPerAddress: 64,
    /** Connections that have not sent a valid hello yet, in all and per address: a small budget. */
    maxPendingHellos: 256,
    maxPendingHellosPerAddress: 8,
    /** This many failed hellos (unknown id, wrong token) from one address within the window refuse it for a while. */
    maxFailedHellos: 10,
    failedHelloWindowMs: 10_000,
    failedHelloBlockMs: 30_000,
    /**
     * Largest frame read at all: one over the protocol's message limit but under this is answered MSG_TOO_LARGE and the
     * connection stays; a larger one closes the connection (1009) unread.
     */
    maxFrameBytes: 256 * 1024,
    /** Refusal log lines (one per sender and code) written per interval; beyond it they are counted, said once after. */
    refusalLogLines: 20,
    refusalLogIntervalMs: 10_000,
    /** Senders and codes remembered as already logged; the oldest are forgotten beyond this many. */
    logOnceKeys: 10_000,
  },
});
