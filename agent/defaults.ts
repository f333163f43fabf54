// Every default value and fixed limit of the agent, in one frozen place, so docs, config and code agree.
import { deepFreeze } from '../shared/deep-freeze.js';

const NO_PORTS: readonly number[] = [];

export const AGENT_DEFAULTS = deepFreeze({
  /** Agent id; empty means the host name. */
  id: '',
  procRoot: '/proc',
  /** Built-in collectors sample this often; reports carry mean/min/max of these samples. */
  sampleIntervalMs: 1_000,
  /** Report interval used until a director's welcome asks for another. */
  reportIntervalMs: 2_000,
  /** Service ports whose listen queue and established connections are reported. */
  ports: NO_PORTS,
  /**
   * The sockets collector runs at most this often: every read of /proc/net/tcp and tcp6 walks the kernel's whole TCP
   * hash (about 1.3 ms per file with no sockets on a 24 GB host, about 25 ms with 32,000 sockets, TIME_WAIT included),
   * the largest part of the agent's CPU.
   */
  socketsMinIntervalMs: 4_000,
  logLevel: 'info' as const,
  hostFacts: {
    /** Time allowed for systeminformation's worker to answer before node:os facts are sent instead. */
    systemInfoTimeoutMs: 4_000,
    /** Time allowed for each /proc file read for hello. */
    procReadTimeoutMs: 2_000,
    /** Host fact strings (host name, CPU model, kernel) are cut to this length. */
    maxTextLength: 200,
  },
  link: {
    /**
     * A link that comes up sends first the reports already built for the last this-many intervals (for the agent's
     * other directors): two directors then have the same reports from the same instant, whichever connected first.
     */
    catchUpIntervals: 2,
    /** Reconnect backoff: each delay drawn from [ceiling/2, ceiling], the ceiling doubling from 1 s to 30 s. */
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
    /**
     * A plugin still running when its next run is due has that run skipped (runs never overlap or queue up); this is
     * logged once, and said to have cleared only after this many runs in a row on time, so a plugin that is slow now
     * and then (a loaded host) is one warning, not a warning and a recovery at every slow run.
     */
    busyClearRuns: 10,
  },
});

/**
 * V8 flags the agent's service runs with: a 1 MB young generation instead of 16 MB and no optimising compiler. The
 * agent's work is small and periodic, so neither costs it measurable CPU, and its resident memory drops by about 20 MB
 * (see `npm run bench:agent`).
 */
export const AGENT_NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=1', '--lite-mode']);
