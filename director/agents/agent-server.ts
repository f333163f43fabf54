// The director's door for agents: a WebSocket server that authenticates, validates and rate-limits every connection.
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { PROTOCOL } from '../../shared/defaults.js';
import { DIRECTOR_DEFAULTS } from '../defaults.js';
import { AgentDuplicateError, AgentUnknownError, AuthFailedError, HelloExpectedError, LvsfError, MessageInvalidError } from '../../shared/errors.js';
import { clip, LogBudget, LogOnce, setBounded, type Logger } from '../../shared/logging.js';
import { decodeAgentMessage, encodeMessage } from '../../shared/protocol/codec.js';
import type { HelloMessage, ReportMessage } from '../../shared/protocol/messages.js';
import { tokensMatch } from './token.js';

export interface AgentServerOptions {
  readonly host: string;
  readonly port: number;
  /** PEM certificate and key: with them the server speaks wss://. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** Agent id → token. */
  readonly tokens: ReadonlyMap<string, string>;
  readonly directorId: string;
  readonly reportIntervalMs: number;
  readonly log: Logger;
  /** Monotonic ms; the time stamp given to every received report. */
  readonly now: () => number;
  /** Connection limits; any left out come from DIRECTOR_DEFAULTS.agents. */
  readonly limits?: Partial<AgentLimits>;
}

export type AgentLimits = typeof DIRECTOR_DEFAULTS.agents;

export interface AgentServerEvents {
  /** An agent authenticated; `remote` is its address. */
  hello: [agentId: string, hello: HelloMessage, remote: string];
  /** A valid report, stamped with the director's clock. */
  report: [agentId: string, report: ReportMessage, receivedAt: number];
  /** An authenticated agent's connection ended. */
  disconnect: [agentId: string, reason: string];
  /** A message or connection was refused; already answered and logged. */
  refused: [error: LvsfError, remote: string, agentId: string | undefined];
}

/** Close codes in the private range: 4000 + the HTTP status the situation resembles. */
const CLOSE = { badRequest: 4400, unauthorized: 4401, conflict: 4409, tooMany: 4429, goingAway: 1001 } as const;

interface Conn {
  agentId?: string;
  /** The peer's address without its port: what the per-address limits count. */
  address: string;
  /** Refused and being closed: nothing more it sends is read. */
  refused?: boolean;
  remote: string;
  alive: boolean;
  /** When anything last came from it: a message or a pong. */
  heardAt: number;
  badInARow: number;
  windowStart: number;
  windowCount: number;
}

export class AgentServer extends EventEmitter<AgentServerEvents> {
  private http: HttpServer | undefined;
  private wss: WebSocketServer | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private readonly byAgent = new Map<string, WebSocket>();
  private readonly conns = new Map<WebSocket, Conn>();
  /** Open connections and connections without a valid hello yet, per address (entries at 0 are dropped). */
  private readonly perAddress = new Map<string, { open: number; pending: number }>();
  private pendingTotal = 0;
  /** Failed hellos (unknown id, wrong token) per address in the current window, and addresses refused until a time. */
  private readonly failures = new Map<string, { since: number; count: number }>();
  private readonly blockedUntil = new Map<string, number>();
  /** Refusals logged, by address and code (addresses are anyone's: bounded); bad messages, by agent and code. */
  private readonly refusedOnce: LogOnce;
  private readonly badOnce = new LogOnce();
  /**
   * Authenticated agents with a bad message since their last valid one (its code remembered in badOnce), and those of
   * them whose bad line was written: only those get the line that they send valid reports again, so an agent that
   * alternates bad and valid messages gets both its lines from the refusal budget.
   */
  private readonly hadBad = new Set<string>();
  private readonly badLogged = new Set<string>();
  private readonly logBudget: LogBudget;
  private readonly limits: AgentLimits;

  constructor(private readonly opts: AgentServerOptions) {
    super();
    this.limits = { ...DIRECTOR_DEFAULTS.agents, ...opts.limits };
    this.refusedOnce = new LogOnce(this.limits.logOnceKeys);
    this.logBudget = new LogBudget(this.limits.refusalLogLines, this.limits.refusalLogIntervalMs, opts.now);
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  async start(): Promise<number> {
    const http = this.opts.tls ? createHttpsServer({ cert: this.opts.tls.cert, key: this.opts.tls.key }) : createHttpServer();
    http.on('request', (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('lvs-feedback director: WebSocket only\n');
    });
    const wss = new WebSocketServer({
      server: http,
      // Read frames somewhat over the protocol limit, so the codec answers them MSG_TOO_LARGE and the agent stays on.
      maxPayload: Math.max(this.limits.maxFrameBytes, PROTOCOL.maxMessageBytes),
      perMessageDeflate: false,
      verifyClient: (info, cb) => {
        const refusal = this.admission(info.req.socket.remoteAddress ?? '?');
        if (refusal === undefined) cb(true);
        else cb(false, refusal.status, refusal.why);
      },
    });
    // An upgrade request that dawdles holds a socket too: it gets no longer than a hello does.
    http.headersTimeout = this.limits.helloTimeoutMs;
    http.requestTimeout = this.limits.helloTimeoutMs;
    wss.on('connection', (ws, req) => this.onConnection(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
    this.http = http;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.opts.port, this.opts.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.pingTimer = setInterval(() => this.pingAll(), this.limits.pingIntervalMs);
    // A TCP listener's address is an AddressInfo (it is a string only for a pipe or a Unix socket).
    return (http.address() as AddressInfo).port;
  }

  /** Closes every connection with "going away" and stops listening. */
  async stop(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const ws of this.conns.keys()) ws.close(CLOSE.goingAway, 'director stopping');
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    for (const ws of this.conns.keys()) ws.terminate();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
  }

  /** Agent ids with an authenticated connection now. */
  connectedAgents(): string[] {
    return [...this.byAgent.keys()];
  }

  private onConnection(ws: WebSocket, remote: string): void {
    const now = this.opts.now();
    const conn: Conn = { remote, address: remote.replace(/:\d+$/, ''), alive: true, heardAt: now, badInARow: 0, windowStart: now, windowCount: 0 };
    this.conns.set(ws, conn);
    this.count(conn.address, +1, +1);
    const helloTimer = setTimeout(() => {
      if (!conn.agentId) this.refuse(ws, conn, new HelloExpectedError('(nothing)'), CLOSE.badRequest);
    }, this.limits.helloTimeoutMs);
    ws.on('pong', () => {
      conn.alive = true;
      conn.heardAt = this.opts.now();
    });
    ws.on('message', (data: RawData) => this.onMessage(ws, conn, data));
    ws.on('error', () => {}); // 'close' follows; the reason is logged there
    ws.on('close', (code, reason) => {
      clearTimeout(helloTimer);
      this.conns.delete(ws);
      this.count(conn.address, -1, conn.agentId ? 0 : -1);
      if (conn.agentId && this.byAgent.get(conn.agentId) === ws) {
        this.byAgent.delete(conn.agentId);
        const why = `closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
        this.opts.log.info({ agentId: conn.agentId, remote }, `agent ${conn.agentId} disconnected: ${why}`);
        this.emit('disconnect', conn.agentId, why);
      }
    });
  }

  private onMessage(ws: WebSocket, conn: Conn, data: RawData): void {
    // A connection this side is closing is not listened to: what arrives before the close completes changes nothing.
    if (ws.readyState !== ws.OPEN || conn.refused) return;
    conn.heardAt = this.opts.now();
    if (!this.withinRate(conn)) {
      this.refuse(ws, conn, new MessageInvalidError(`more than ${this.limits.maxMessagesPerSecond} messages per second`), CLOSE.tooMany);
      return;
    }
    let msg;
    try {
      msg = decodeAgentMessage(data);
    } catch (err) {
      const error = err instanceof LvsfError ? err : new MessageInvalidError(String(err));
      if (!conn.agentId || error.code === 'PROTOCOL_VERSION') {
        this.refuse(ws, conn, error, CLOSE.badRequest);
        return;
      }
      // An authenticated agent's bad report is answered and logged once; it changes nothing. Too many in a row: cut.
      conn.badInARow += 1;
      this.answer(ws, conn, error);
      if (conn.badInARow >= this.limits.maxConsecutiveBadMessages) ws.close(CLOSE.badRequest, 'too many bad messages');
      return;
    }
    conn.badInARow = 0;
    if (msg.type === 'hello') {
      if (conn.agentId) this.answer(ws, conn, new MessageInvalidError('hello repeated on an authenticated connection'));
      else this.onHello(ws, conn, msg);
      return;
    }
    if (!conn.agentId) {
      this.refuse(ws, conn, new HelloExpectedError(msg.type), CLOSE.badRequest);
      return;
    }
    if (this.hadBad.delete(conn.agentId)) this.badOnce.clearPrefix(`${conn.agentId}:`);
    if (this.badLogged.delete(conn.agentId)) this.opts.log.info({ agentId: conn.agentId }, `agent ${conn.agentId} sends valid reports again`);
    this.emit('report', conn.agentId, msg, this.opts.now());
  }

  private onHello(ws: WebSocket, conn: Conn, hello: HelloMessage): void {
    const expected = this.opts.tokens.get(hello.agentId);
    if (expected === undefined) {
      this.failedHello(conn.address);
      this.refuse(ws, conn, new AgentUnknownError(hello.agentId), CLOSE.unauthorized, hello.agentId);
      return;
    }
    if (!tokensMatch(hello.token, expected)) {
      this.failedHello(conn.address);
      this.refuse(ws, conn, new AuthFailedError(hello.agentId), CLOSE.unauthorized, hello.agentId);
      return;
    }
    const older = this.byAgent.get(hello.agentId);
    if (older !== undefined && !this.replaceSilent(older, hello.agentId, conn.remote)) {
      this.refuse(ws, conn, new AgentDuplicateError(hello.agentId), CLOSE.conflict, hello.agentId);
      return;
    }
    conn.agentId = hello.agentId;
    this.count(conn.address, 0, -1);
    this.byAgent.set(hello.agentId, ws);
    ws.send(
      encodeMessage({
        type: 'welcome',
        protocol: PROTOCOL.current,
        directorId: this.opts.directorId,
        reportIntervalMs: this.opts.reportIntervalMs,
      }),
    );
    this.opts.log.info(
      { agentId: hello.agentId, remote: conn.remote, agentVersion: hello.agentVersion, cores: hello.host.cores },
      `agent ${hello.agentId} connected from ${conn.remote} (version ${hello.agentVersion}, ${hello.host.cores} cores)`,
    );
    this.emit('hello', hello.agentId, hello, conn.remote);
  }

  /**
   * A second authenticated hello for an id whose connection is still held: an agent restarted while its old connection
   * is half-dead (the host rebooted, a NAT forgot it). An old connection heard from within the last two report
   * intervals is kept and the newcomer refused (two live agents with one id must not take turns); a silent one is
   * closed and replaced at once. The one kept is pinged now, so if it is half-dead after all it is cut at the next ping
   * round and the newcomer's retry gets in: within a ping interval either way.
   */
  private replaceSilent(older: WebSocket, agentId: string, remote: string): boolean {
    const old = this.conns.get(older);
    const now = this.opts.now();
    if (old !== undefined && now - old.heardAt < 2 * this.opts.reportIntervalMs) {
      if (old.alive) {
        old.alive = false;
        older.ping();
      }
      return false;
    }
    this.byAgent.delete(agentId);
    older.close(CLOSE.conflict, 'replaced by a newer connection');
    this.opts.log.info({ agentId, remote, replaced: old?.remote }, `agent ${agentId}: its connection from ${old?.remote ?? '?'} was silent, replaced by the new one from ${remote}`);
    return true;
  }

  /**
   * Sends an error message and logs it once per sender and code: an authenticated agent by its id (ids come from the
   * config), anyone else by address (an id it claims is not a key, or each new claim would be a new line). Lines are
   * cut short, and beyond a budget per interval only counted: refused traffic cannot grow the log without bound.
   */
  private answer(ws: WebSocket, conn: Conn, error: LvsfError, agentId = conn.agentId): void {
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage({ type: 'error', code: error.code, message: error.message.slice(0, PROTOCOL.maxTextLength) }));
    const { address } = conn;
    if (conn.agentId) this.hadBad.add(conn.agentId);
    const first = conn.agentId ? this.badOnce.shouldLog(`${conn.agentId}:${error.code}`, '') : this.refusedOnce.shouldLog(`${address}:${error.code}`, '');
    if (first && this.logBudget.allow(error.code)) {
      if (conn.agentId) this.badLogged.add(conn.agentId);
      const who = conn.agentId ?? (agentId === undefined ? address : `${clip(agentId, 64)} at ${address}`);
      this.opts.log.warn({ agentId: conn.agentId ?? (agentId === undefined ? undefined : clip(agentId, 64)), remote: conn.remote, code: error.code }, `refused message from ${who}: ${clip(error.message)}`);
    }
    this.emit('refused', error, conn.remote, agentId);
  }

  private refuse(ws: WebSocket, conn: Conn, error: LvsfError, closeCode: number, agentId?: string): void {
    this.answer(ws, conn, error, agentId);
    conn.refused = true;
    ws.close(closeCode, error.code);
  }

  /**
   * Whether a new connection from `address` may be upgraded: undefined if so, else the HTTP status and why. Checked in
   * order: an address cooling down after failed hellos, the total, the address's share, and the budget of connections
   * that have not said hello yet (small, so silent sockets cannot hold the door shut for honest agents).
   */
  private admission(address: string): { status: number; why: string } | undefined {
    const now = this.opts.now();
    const L = this.limits;
    const until = this.blockedUntil.get(address);
    if (until !== undefined && now < until) return this.refusedUpgrade(address, 429, `too many failed hellos from ${address}: refused for ${Math.ceil((until - now) / 1000)}s more`, 'FAILED_HELLOS');
    if (until !== undefined) this.blockedUntil.delete(address);
    const mine = this.perAddress.get(address) ?? { open: 0, pending: 0 };
    if (this.conns.size >= L.maxConnections) return this.refusedUpgrade(address, 503, `too many connections (${L.maxConnections}, agents.maxConnections)`, 'MAX_CONNECTIONS');
    if (mine.open >= L.maxConnectionsPerAddress) return this.refusedUpgrade(address, 429, `too many connections from ${address} (${L.maxConnectionsPerAddress}, agents.maxConnectionsPerAddress)`, 'MAX_PER_ADDRESS');
    if (this.pendingTotal >= L.maxPendingHellos) return this.refusedUpgrade(address, 503, `too many connections without a hello (${L.maxPendingHellos})`, 'MAX_PENDING');
    if (mine.pending >= L.maxPendingHellosPerAddress) return this.refusedUpgrade(address, 429, `too many connections without a hello from ${address} (${L.maxPendingHellosPerAddress})`, 'MAX_PENDING_PER_ADDRESS');
    return undefined;
  }

  /** An upgrade refused: logged once per address and limit (within the refusal budget), answered with `status`. */
  private refusedUpgrade(address: string, status: number, why: string, limit: string): { status: number; why: string } {
    if (this.refusedOnce.shouldLog(`${address}:${limit}`, '') && this.logBudget.allow(limit)) this.opts.log.warn({ remote: address, limit }, `refused a connection: ${why}`);
    return { status, why };
  }

  /** Counts connections of `address` opened or closed (`open`), and hellos still due (`pending`), by ±1 or 0. */
  private count(address: string, open: number, pending: number): void {
    this.pendingTotal += pending;
    const mine = this.perAddress.get(address) ?? { open: 0, pending: 0 };
    mine.open += open;
    mine.pending += pending;
    if (mine.open <= 0 && mine.pending <= 0) this.perAddress.delete(address);
    else this.perAddress.set(address, mine);
  }

  /** One more failed hello from `address`: past the limit within the window, it is refused for a while. */
  private failedHello(address: string): void {
    const now = this.opts.now();
    const L = this.limits;
    const f = this.failures.get(address);
    const current = f !== undefined && now - f.since < L.failedHelloWindowMs ? { since: f.since, count: f.count + 1 } : { since: now, count: 1 };
    setBounded(this.failures, address, current, L.logOnceKeys);
    if (current.count >= L.maxFailedHellos) {
      this.failures.delete(address);
      setBounded(this.blockedUntil, address, now + L.failedHelloBlockMs, L.logOnceKeys);
    }
  }

  /** Says how many refusal lines the budget held back in the intervals that ended, if any. */
  private sayHeldBack(): void {
    const held = this.logBudget.takeSuppressed();
    if (held === undefined) return;
    const codes = Object.entries(held.byKind).map(([code, n]) => `${code} ${n}`).join(', ');
    this.opts.log.warn({ suppressed: held.byKind }, `${held.total} more refusal(s) not logged (over ${this.limits.refusalLogLines} lines per ${this.limits.refusalLogIntervalMs / 1000}s): ${codes}`);
  }

  private withinRate(conn: Conn): boolean {
    const now = this.opts.now();
    if (now - conn.windowStart >= 1_000) {
      conn.windowStart = now;
      conn.windowCount = 0;
    }
    conn.windowCount += 1;
    return conn.windowCount <= this.limits.maxMessagesPerSecond;
  }

  private pingAll(): void {
    this.sayHeldBack();
    for (const [ws, conn] of this.conns) {
      if (!conn.alive) {
        ws.terminate();
        continue;
      }
      conn.alive = false;
      ws.ping();
    }
  }
}
