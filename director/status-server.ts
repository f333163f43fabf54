// A small local HTTP endpoint serving the status as JSON (GET /status) for `lvs-feedback status` and monitoring.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectorStatus } from './status-view.js';

export class StatusServer {
  private server: Server | undefined;

  constructor(private readonly status: () => DirectorStatus) {}

  async start(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url !== '/status' && req.url !== '/')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /status\n');
        return;
      }
      const body = JSON.stringify(this.status(), null, 2);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${body}\n`);
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
