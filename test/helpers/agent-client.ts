// An agent played by the test over a real WebSocket, so a test can send what a real agent never would and see the answer.
import WebSocket from 'ws';

/** A frame the director sent, parsed. */
export interface Reply {
  type: string;
  code?: string;
  message?: string;
  [field: string]: unknown;
}

/** The hello a real agent sends first, as data (tests change fields to make it wrong). */
export function helloFrame(agentId: string, token: string): Record<string, unknown> {
  return { type: 'hello', protocol: 1, agentId, token, agentVersion: '0.0.0-test', host: { hostname: agentId, cores: 1 }, ports: [] };
}

/** A valid report with every metric's min = mean = max, as data. */
export function reportFrame(seq: number, metrics: Record<string, number>, intervalMs = 500): Record<string, unknown> {
  return {
    type: 'report',
    seq,
    ts: Date.now(),
    intervalMs,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, { mean: v, min: v, max: v, n: 1 }])),
    plugins: {},
  };
}

export class AgentClient {
  private readonly queue: Reply[] = [];
  private wake: (() => void) | undefined;
  /** Resolves with the close code and reason once the connection has closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private isClosed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('error', () => {}); // 'close' follows, and that is what tests look at
    ws.on('message', (d) => {
      this.queue.push(JSON.parse(d.toString()) as Reply);
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.isClosed = true;
        this.wake?.();
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /** Opens a connection (from `localAddress`, e.g. 127.0.0.2, when given); rejects if the upgrade is refused. */
  static connect(url: string, localAddress?: string): Promise<AgentClient> {
    const ws = new WebSocket(url, localAddress ? { localAddress } : {});
    const client = new AgentClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Tries to open a connection the server should refuse at the upgrade; resolves with the HTTP status it answered. */
  static refusedStatus(url: string): Promise<number> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.once('open', () => {
        ws.terminate();
        reject(new Error('the server accepted the connection'));
      });
      ws.on('error', reject);
    });
  }

  /** Sends a frame as is: an object is sent as JSON, a string or buffer byte for byte. */
  send(frame: Record<string, unknown> | string | Buffer): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** The next frame from the server; rejects if the connection closes first or nothing comes within `timeoutMs`. */
  async nextReply(timeoutMs = 5_000): Promise<Reply> {
    const deadline = performance.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.isClosed) throw new Error('connection closed while a reply was awaited');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.queue.shift()!;
  }

  /** The next frame from the server if one has come, without waiting. */
  takeReply(): Reply | undefined {
    return this.queue.shift();
  }

  /** Says hello and resolves with the director's answer (welcome or error). */
  async hello(agentId: string, token: string): Promise<Reply> {
    this.send(helloFrame(agentId, token));
    return this.nextReply();
  }

  /**
   * A round trip behind everything sent so far: true when the server answers a ping (the connection is open on its
   * side), false when the connection closes instead. Frames are ordered, so a close sent earlier arrives first.
   */
  stillOpen(timeoutMs = 5_000): Promise<boolean> {
    if (this.isClosed || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`neither pong nor close within ${timeoutMs} ms`)), timeoutMs);
      const done = (open: boolean) => () => {
        clearTimeout(timer);
        this.ws.off('pong', onPong);
        resolve(open);
      };
      const onPong = done(true);
      this.ws.once('pong', onPong);
      void this.closed.then(done(false));
      this.ws.ping();
    });
  }

  /** Resolves with the close code and reason; rejects if the connection is still open after `timeoutMs`. */
  closedWithin(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      void this.closed.then((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  /** Closes from this side and resolves once closed. */
  async close(): Promise<void> {
    if (!this.isClosed) this.ws.close();
    await this.closed;
  }
}
