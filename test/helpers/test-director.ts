// A bare WebSocket server in the director's place that welcomes every hello and can stop answering pings or reading.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL } from '../../shared/defaults.js';
import { decodeAgentMessage, encodeMessage } from '../../shared/protocol/codec.js';
import type { HelloMessage, ReportMessage } from '../../shared/protocol/messages.js';

/** One agent connection as the server saw it. */
export interface TestConn {
  readonly ws: WebSocket;
  /** The raw socket under the WebSocket: pause() it and the server stops reading. */
  readonly socket: Socket;
  readonly connectedAt: number;
  hello?: HelloMessage;
  readonly reports: ReportMessage[];
  pings: number;
  closedAt?: number;
  closeCode?: number;
}

export interface TestDirectorOptions {
  /** false: pings are never answered. */
  readonly autoPong?: boolean;
  /** The report interval the welcome asks for. */
  readonly reportIntervalMs?: number;
  /** Listen on this Unix socket path instead of a loopback TCP port. */
  readonly socketPath?: string;
}

/** Emits 'connection', 'hello', 'report', 'ping' and 'close', each with the TestConn. */
export class TestDirector extends EventEmitter {
  readonly conns: TestConn[] = [];
  url = '';
  private readonly http: Server = createServer();
  private readonly wss: WebSocketServer;

  constructor(private readonly opts: TestDirectorOptions = {}) {
    super();
    this.wss = new WebSocketServer({ server: this.http, autoPong: opts.autoPong ?? true, perMessageDeflate: false });
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  async start(): Promise<this> {
    const path = this.opts.socketPath;
    await new Promise<void>((resolve) => (path ? this.http.listen(path, resolve) : this.http.listen(0, '127.0.0.1', resolve)));
    this.url = path ? `ws+unix:${path}:/` : `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const conn: TestConn = { ws, socket: req.socket, connectedAt: performance.now(), reports: [], pings: 0 };
    this.conns.push(conn);
    ws.on('ping', () => {
      conn.pings += 1;
      this.emit('ping', conn);
    });
    ws.on('message', (data: Buffer) => {
      const msg = decodeAgentMessage(data);
      if (msg.type === 'hello') {
        conn.hello = msg;
        const reportIntervalMs = this.opts.reportIntervalMs ?? PROTOCOL.maxReportIntervalMs;
        ws.send(encodeMessage({ type: 'welcome', protocol: PROTOCOL.current, directorId: 'test-director', reportIntervalMs }));
        this.emit('hello', conn);
      } else {
        conn.reports.push(msg);
        this.emit('report', conn);
      }
    });
    ws.on('close', (code) => {
      conn.closedAt = performance.now();
      conn.closeCode = code;
      this.emit('close', conn);
    });
    this.emit('connection', conn);
  }
}
