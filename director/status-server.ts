// A small local HTTP endpoint: the status as JSON (GET /status) for `lvs-feedback status`, and GET /healthz for checks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectorStatus } from './status-view.js';

export class StatusServer {
  private server: Server | undefined;

  constructor(private readonly status: () => DirectorStatus) {}

  async start(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      const json = (code: number, value: unknown) => res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${JSON.stringify(value, null, 2)}\n`);
      if (req.method === 'GET' && (req.url === '/status' || req.url === '/')) {
        json(200, this.status());
      } else if (req.method === 'GET' && req.url === '/healthz') {
        // 503 while the controller is stuck: a wedged director must not look healthy to a health check.
        const s = this.status();
        json(s.healthy ? 200 : 503, { healthy: s.healthy, lastDecisionAgeS: s.lastDecisionAgeS, ...(s.lastDecisionAt ? { lastDecisionAt: s.lastDecisionAt } : {}), ...(s.unhealthy ? { unhealthy: s.unhealthy } : {}) });
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /status or /healthz\n');
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // A TCP listener's address is an AddressInfo (it is a string only for a pipe or a Unix socket).
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
