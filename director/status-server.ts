// A small local HTTP endpoint: the status as JSON (GET /status) for `lvs-feedback status`, and GET /healthz for checks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DIRECTOR_DEFAULTS } from './defaults.js';
import type { StatusQueryError } from './errors.js';
import { filterStatus, parseStatusQuery } from './status-query.js';
import type { DirectorStatus } from './status-view.js';

export class StatusServer {
  private server: Server | undefined;

  constructor(private readonly status: () => DirectorStatus) {}

  async start(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      // Indented for a person reading a few servers; one line when it is large (10,000 servers: a tenth of the bytes).
      const json = (code: number, value: unknown, large = false) => res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${JSON.stringify(value, null, large ? 0 : 2)}\n`);
      const url = new URL(req.url ?? '/', 'http://status');
      if (req.method === 'GET' && (url.pathname === '/status' || url.pathname === '/')) {
        let query;
        try {
          query = parseStatusQuery(url.searchParams);
        } catch (err) {
          json(400, { code: (err as StatusQueryError).code, message: (err as Error).message });
          return;
        }
        const body = filterStatus(this.status(), query);
        json(200, body, body.services.reduce((n, svc) => n + svc.dests.length, 0) > DIRECTOR_DEFAULTS.statusIndentUpTo);
      } else if (req.method === 'GET' && url.pathname === '/healthz') {
        // 503 while the controller is stuck: a wedged director must not look healthy to a health check.
        const s = this.status();
        json(s.healthy ? 200 : 503, { healthy: s.healthy, lastDecisionAgeS: s.lastDecisionAgeS, ...(s.lastDecisionAt ? { lastDecisionAt: s.lastDecisionAt } : {}), ...(s.unhealthy ? { unhealthy: s.unhealthy } : {}) });
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /status[?service=&agent=&state=&limit=&summary=1] or /healthz\n');
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
