// One agent's connection to one director: hello, welcome, a report every interval, ping/pong, reconnect with backoff.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { PROTOCOL } from '../shared/defaults.js';
import { AGENT_DEFAULTS } from './defaults.js';
import { describeError, LvsfError } from '../shared/errors.js';
import { DirectorRefusedError } from './errors.js';
import type { Logger } from '../shared/logging.js';
import { LogOnce } from '../shared/logging.js';
import { decodeDirectorMessage, encodeMessage } from '../shared/protocol/codec.js';
import type { HelloMessage, ReportMessage } from '../shared/protocol/messages.js';
import { Backoff } from './backoff.js';
import type { DirectorTarget } from './config.js';

/** Where a link gets what it sends: the hello (built once) and the report of one wall-clock interval. */
export interface ReportSource {
  hello(token: string): HelloMessage;
  /**
   * The report of the interval of `intervalMs` ending at wall-clock instant `ts` (a multiple of `intervalMs`): the same
   * contents for every link that asks for the same instant, so every director is told the same thing; `seq` is the
   * link's own.
   */
  report(ts: number, intervalMs: number, seq: number): ReportMessage;
  /** Instants (ts) of the reports already built for this interval after `afterTs`, oldest first. */
  builtSince(intervalMs: number, afterTs: number): number[];
  /** Monotonic clock, ms. */
  now(): number;
  /** Wall clock, ms since the epoch: reports fall on its multiples of the interval. */
  wallNow(): number;
}

/** Refusals of a hello that the same hello, sent again a little later, may get past. */
const RETRY_CURES: ReadonlySet<string> = new Set(['AGENT_DUPLICATE']);

export type LinkState = 'connecting' | 'awaiting-welcome' | 'ready' | 'backoff' | 'stopped';

export interface LinkStats {
  connects: number;
  reportsSent: number;
  /** Reports not sent because the socket was still busy with earlier data (latest wins, nothing queues). */
  reportsDropped: number;
  lastError?: string;
}

type LinkSettings = typeof AGENT_DEFAULTS.link;

/** Keeps one director fed; every link is independent, so a dead director never delays the others. */
export class DirectorLink {
  state: LinkState = 'connecting';
  reportIntervalMs: number;
  readonly stats: LinkStats = { connects: 0, reportsSent: 0, reportsDropped: 0 };

  private ws: WebSocket | undefined;
  private readonly backoff: Backoff;
  private readonly logOnce = new LogOnce();
  private readonly log: Logger;
  private timers = new Set<NodeJS.Timeout>();
  private reportTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  /** Reports dropped since the last one that went out. */
  private droppedInARow = 0;
  private connectedAt = 0;
  private refused: DirectorRefusedError | undefined;
  /** What went wrong on the current connection attempt, if anything. */
  private attemptError: string | undefined;

  constructor(
    private readonly target: DirectorTarget,
    private readonly source: ReportSource,
    private readonly defaultReportIntervalMs: number,
    logger: Logger,
    private readonly settings: LinkSettings = AGENT_DEFAULTS.link,
  ) {
    this.log = logger.child({ director: target.url });
    this.reportIntervalMs = defaultReportIntervalMs;
    this.backoff = new Backoff({
      initialMs: settings.backoffInitialMs,
      maxMs: settings.backoffMaxMs,
      factor: settings.backoffFactor,
    });
  }

  start(): void {
    this.connect();
  }

  /** Closes the connection for good (agent shutdown). */
  stop(): void {
    this.state = 'stopped';
    this.clearTimers();
    if (this.ws) {
      this.ws.removeAllListeners();
      this.ws.on('error', () => {});
      if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1001, 'agent stopping');
      else this.ws.terminate();
      this.ws = undefined;
    }
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.reportTimer = undefined;
  }

  private connect(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    this.refused = undefined;
    this.attemptError = undefined;
    let ca: Buffer | undefined;
    if (this.target.caFile) {
      try {
        ca = readFileSync(this.target.caFile);
      } catch (err) {
        this.fail(`cannot read CA file ${this.target.caFile}: ${describeError(err)}`);
        return;
      }
    }
    const ws = new WebSocket(this.target.url, {
      handshakeTimeout: this.settings.handshakeTimeoutMs,
      maxPayload: PROTOCOL.maxMessageBytes,
      perMessageDeflate: false,
      ...(ca ? { ca } : {}),
    });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data: WebSocket.RawData) => this.onMessage(ws, data));
    ws.on('unexpected-response', (_req, res) => {
      this.attemptError = `HTTP ${res.statusCode} instead of a WebSocket upgrade`;
      ws.terminate();
    });
    ws.on('error', (err) => {
      this.attemptError ??= err.message;
    });
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private onOpen(ws: WebSocket): void {
    this.state = 'awaiting-welcome';
    this.connectedAt = this.source.now();
    ws.send(encodeMessage(this.source.hello(this.target.token)));
    this.later(this.settings.welcomeTimeoutMs, () => {
      if (this.ws === ws && this.state === 'awaiting-welcome') {
        this.attemptError = `no welcome within ${this.settings.welcomeTimeoutMs} ms`;
        ws.terminate();
      }
    });
    // Ping/pong: a peer that stops answering is cut off and reconnected, instead of silently absorbing reports.
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    this.pingTimer = setInterval(() => {
      if (!alive) {
        this.attemptError = `no pong within ${this.settings.pingIntervalMs} ms`;
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, this.settings.pingIntervalMs);
  }

  private onMessage(ws: WebSocket, data: WebSocket.RawData): void {
    let msg;
    try {
      msg = decodeDirectorMessage(data);
    } catch (err) {
      // A director speaking nonsense is logged once per kind of nonsense; the connection is restarted.
      const code = err instanceof LvsfError ? err.code : 'MSG_INVALID';
      if (this.logOnce.shouldLog('bad-message', code)) this.log.warn({ code }, `director sent a bad message: ${describeError(err)}`);
      ws.close(1002, code);
      return;
    }
    if (msg.type === 'error') {
      const refusal = new DirectorRefusedError(this.target.url, msg.code, msg.message);
      if (this.logOnce.shouldLog('refused', msg.code)) {
        this.log.error({ code: refusal.code, remoteCode: msg.code }, refusal.message);
      }
      // A refused hello: the director closes the connection and onClose schedules the retry. An error about one report
      // on a connection that was welcomed is only that report's.
      if (this.state === 'awaiting-welcome') this.refused = refusal;
      return;
    }
    if (this.state !== 'awaiting-welcome') return; // a repeated welcome changes nothing
    this.state = 'ready';
    this.stats.connects += 1;
    this.reportIntervalMs = msg.reportIntervalMs;
    this.logOnce.clear('refused');
    this.logOnce.clear('bad-message');
    this.logOnce.clear('backlog'); // a new connection starts with nothing unsent
    this.droppedInARow = 0;
    const recovered = this.logOnce.clear('down');
    this.log.info(
      { directorId: msg.directorId, reportIntervalMs: msg.reportIntervalMs },
      `${recovered ? 'reconnected to' : 'connected to'} director ${msg.directorId}, reporting every ${msg.reportIntervalMs} ms`,
    );
    this.seq = 0; // a new connection starts a new sequence
    // The reports this director missed by connecting later than another one did, if they were built just now.
    const interval = this.reportIntervalMs;
    for (const ts of this.source.builtSince(interval, this.source.wallNow() - this.settings.catchUpIntervals * interval)) this.sendReport(ws, ts, interval);
    this.scheduleReport(ws);
  }

  /** The next report goes out at the next multiple of the interval on the wall clock, as on every other link. */
  private scheduleReport(ws: WebSocket): void {
    const interval = this.reportIntervalMs;
    const wall = this.source.wallNow();
    const ts = (Math.floor(wall / interval) + 1) * interval;
    this.reportTimer = this.later(ts - wall, () => {
      if (this.ws !== ws || this.state !== 'ready') return;
      this.sendReport(ws, ts, interval);
      this.scheduleReport(ws);
    });
  }

  private sendReport(ws: WebSocket, ts: number, interval: number): void {
    const until = this.source.now();
    if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > this.settings.maxBufferedBytes) {
      // Latest wins: a report that cannot go out now is dropped; the next one covers the newer window.
      this.stats.reportsDropped += 1;
      this.droppedInARow += 1;
      if (this.logOnce.shouldLog('backlog', 'dropping')) {
        this.log.warn(
          { bufferedBytes: ws.bufferedAmount },
          `director is not taking reports (${ws.bufferedAmount} bytes still unsent): reports are dropped, not queued, until it catches up`,
        );
      }
      return;
    }
    // After reports were dropped, this one covers their time too (latest wins, nothing is queued).
    const covered = Math.min(PROTOCOL.maxReportIntervalMs, interval * (this.droppedInARow + 1));
    const report = this.source.report(ts, covered, this.seq);
    this.seq += 1;
    ws.send(encodeMessage(report));
    this.stats.reportsSent += 1;
    if (this.logOnce.clear('backlog')) {
      this.log.info({ dropped: this.droppedInARow }, `director takes reports again; ${this.droppedInARow} were dropped`);
    }
    this.droppedInARow = 0;
    if (this.connectedAt && until - this.connectedAt >= this.settings.backoffResetAfterMs) this.backoff.reset();
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws || this.state === 'stopped') return;
    this.clearTimers();
    this.ws = undefined;
    const wasReady = this.state === 'ready';
    const why = this.refused ? this.refused.message : (this.attemptError ?? `closed (${code}${reason ? ` ${reason}` : ''})`);
    this.fail(wasReady ? `connection lost: ${why}` : why);
  }

  private fail(why: string): void {
    if (this.state === 'stopped') return;
    // A refusal only a config change can cure waits the longest; one a retry cures (the director still holds this
    // agent's old connection) backs off as any other failure.
    if (this.refused && !RETRY_CURES.has(this.refused.remoteCode)) this.backoff.exhaust();
    const delay = this.backoff.next();
    this.state = 'backoff';
    this.stats.lastError = why;
    // Log the first failure and every change of reason; repeats of the same reason go to debug.
    const key = this.refused ? `refused:${this.refused.remoteCode}` : why.replace(/\d+ ms/g, '');
    if (this.logOnce.shouldLog('down', key)) this.log.warn({ retryInMs: delay }, `director unavailable: ${why}; retrying in ${delay} ms`);
    else this.log.debug({ retryInMs: delay }, `director still unavailable: ${why}`);
    this.later(delay, () => this.connect());
  }
}
