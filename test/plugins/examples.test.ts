// The shipped example plugins, run for real: a temp postfix spool, a real HTTP server, this machine's /proc.
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExecPlugin } from '../../agent/plugins/exec-plugin.js';
import { runModulePlugin } from '../../agent/plugins/module-plugin.js';
import type { ExecPluginSpec, ModulePluginSpec, PluginOutcome } from '../../agent/plugins/plugin-contract.js';

const example = (file: string): string => fileURLToPath(new URL(`../../plugins/examples/${file}`, import.meta.url));

function moduleSpec(file: string, name: string, options: Record<string, unknown> = {}, timeoutMs = 5_000): ModulePluginSpec {
  return { kind: 'module', name, path: example(file), intervalMs: 10_000, timeoutMs, options };
}

function failure(outcome: PluginOutcome): { code: string; message: string } {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) throw new Error('unreachable');
  return { code: outcome.error.code, message: outcome.error.message };
}

describe('postfix-mailq.mjs', () => {
  it('counts queue files, descending into hashed subfolders; a missing queue is absent', async () => {
    const spool = mkdtempSync(join(tmpdir(), 'lvsf-postfix-'));
    const files: Record<string, string[]> = {
      active: ['4F1A2B3C4D', '5A6B7C8D9E'],
      'deferred/A': ['A1B2C3D4E5'],
      'deferred/B/C': ['BC12345678', 'BC87654321'],
      incoming: [],
    };
    for (const [dir, names] of Object.entries(files)) {
      mkdirSync(join(spool, dir), { recursive: true });
      for (const n of names) writeFileSync(join(spool, dir, n), 'queue file');
    }
    expect(await runModulePlugin(moduleSpec('postfix-mailq.mjs', 'mailq', { spool }))).toEqual({
      ok: true,
      values: { mailq_incoming: 0, mailq_active: 2, mailq_deferred: 3 },
    });
  });

  it('no spool → a clear PLUGIN_THREW naming the folder and the option', async () => {
    expect(failure(await runModulePlugin(moduleSpec('postfix-mailq.mjs', 'mailq', { spool: '/nonexistent/postfix' })))).toEqual({
      code: 'PLUGIN_THREW',
      message: 'plugin mailq: no postfix spool at /nonexistent/postfix (none of incoming, active, deferred, hold, maildrop is there); set options.spool',
    });
  });
});

const NGINX = 'Active connections: 291 \nserver accepts handled requests\n 16630948 16630948 31070465 \nReading: 6 Writing: 179 Waiting: 106 \n';
const APACHE = [
  '127.0.0.1',
  'ServerVersion: Apache/2.4.57 (Debian)',
  'ServerMPM: event',
  'Server Built: 2023-04-13T13:06:51',
  'ServerUptimeSeconds: 1234',
  'Load1: 0.12',
  'Total Accesses: 1500',
  'Total kBytes: 2048',
  'CPULoad: .0123',
  'ReqPerSec: 1.21556',
  'BusyWorkers: 3',
  'IdleWorkers: 47',
  'ConnsTotal: 12',
  'ConnsAsyncKeepAlive: 5',
  'Scoreboard: __W__K_____......',
  '',
].join('\n');

describe('http-status-connections.mjs against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const aborted: string[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const reply = (status: number, body: string, type = 'text/plain'): void => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (req.url === '/nginx_status') return reply(200, NGINX);
      if (req.url === '/server-status?auto') return reply(200, APACHE);
      if (req.url === '/server-status') return reply(200, '<html><body><h1>Apache Server Status</h1></body></html>', 'text/html');
      if (req.url === '/hang') {
        res.on('close', () => aborted.push(req.url!));
        return; // never answers: the plugin must give up at its timeout and abort the request
      }
      return reply(404, 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads nginx stub_status', async () => {
    expect(await runModulePlugin(moduleSpec('http-status-connections.mjs', 'web', { url: `${base}/nginx_status` }))).toEqual({
      ok: true,
      values: { web_active: 291, web_reading: 6, web_writing: 179, web_waiting: 106 },
    });
  });

  it('reads Apache server-status?auto, numeric lines in snake case', async () => {
    const outcome = await runModulePlugin(moduleSpec('http-status-connections.mjs', 'web', { url: `${base}/server-status?auto` }));
    expect(outcome).toEqual({
      ok: true,
      values: {
        web_server_uptime_seconds: 1234,
        web_load1: 0.12,
        web_total_accesses: 1500,
        web_total_k_bytes: 2048,
        web_cpu_load: 0.0123,
        web_req_per_sec: 1.21556,
        web_busy_workers: 3,
        web_idle_workers: 47,
        web_conns_total: 12,
        web_conns_async_keep_alive: 5,
      },
    });
  });

  it('explains an HTML page, an HTTP error and an unreachable server', async () => {
    const html = failure(await runModulePlugin(moduleSpec('http-status-connections.mjs', 'web', { url: `${base}/server-status` })));
    expect(html).toEqual({ code: 'PLUGIN_THREW', message: expect.stringContaining('(for Apache, add ?auto to the URL)') as string });
    const missing = failure(await runModulePlugin(moduleSpec('http-status-connections.mjs', 'web', { url: `${base}/nope` })));
    expect(missing.message).toContain(`${base}/nope answered 404 Not Found`);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = failure(await runModulePlugin(moduleSpec('http-status-connections.mjs', 'web', { url: `http://127.0.0.1:${port}/` })));
    expect(refused.message).toContain(`cannot reach http://127.0.0.1:${port}/: ECONNREFUSED; set options.url`);
  });

  it('a server that never answers → PLUGIN_TIMEOUT, and the request is aborted through ctx.signal', async () => {
    const outcome = await runModulePlugin(moduleSpec('http-status-connections.mjs', 'web', { url: `${base}/hang` }, 300));
    expect(failure(outcome).code).toBe('PLUGIN_TIMEOUT');
    await expect.poll(() => aborted, { timeout: 3_000 }).toContain('/hang');
  });
});

describe('sockets-and-files.sh', () => {
  const script = example('sockets-and-files.sh');
  const spec = (options: Record<string, unknown> = {}): ExecPluginSpec => ({
    kind: 'exec',
    name: 'sockets',
    argv: [script],
    intervalMs: 10_000,
    timeoutMs: 5_000,
    options,
  });

  it('is executable and reports this machine', async () => {
    expect(statSync(script).mode & 0o111).not.toBe(0);
    const outcome = await runExecPlugin(spec());
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(Object.keys(outcome.values).sort()).toEqual([
      'sockets_max_files',
      'sockets_open_files',
      'sockets_tcp_close_wait',
      'sockets_tcp_established',
      'sockets_tcp_time_wait',
    ]);
    for (const v of Object.values(outcome.values)) expect(v).toBeGreaterThanOrEqual(0);
    expect(outcome.values.sockets_open_files).toBeGreaterThan(0);
  });

  it('counts TCP states from a given proc root (IPv4 only)', async () => {
    const proc = mkdtempSync(join(tmpdir(), 'lvsf-proc-'));
    mkdirSync(join(proc, 'sys/fs'), { recursive: true });
    mkdirSync(join(proc, 'net'));
    writeFileSync(join(proc, 'sys/fs/file-nr'), '1056\t0\t9223372036854775807\n');
    const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    const row = (i: number, st: string): string =>
      `   ${i}: 0100007F:0050 0100007F:D2F0 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${1000 + i} 1\n`;
    writeFileSync(join(proc, 'net/tcp'), header + row(0, '0A') + row(1, '06') + row(2, '06') + row(3, '01') + row(4, '08'));
    expect(await runExecPlugin(spec({ proc }))).toEqual({
      ok: true,
      values: {
        sockets_open_files: 1056,
        sockets_max_files: 9223372036854775807,
        sockets_tcp_established: 1,
        sockets_tcp_time_wait: 2,
        sockets_tcp_close_wait: 1,
      },
    });
  });
  it('takes TIME_WAIT from sockstat, and reads tcp6 only when sockstat6 says IPv6 TCP sockets are in use', async () => {
    const proc = mkdtempSync(join(tmpdir(), 'lvsf-proc-'));
    mkdirSync(join(proc, 'sys/fs'), { recursive: true });
    mkdirSync(join(proc, 'net'));
    writeFileSync(join(proc, 'sys/fs/file-nr'), '1056\t0\t65536\n');
    const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    const row = (i: number, st: string): string =>
      `   ${i}: 0100007F:0050 0100007F:D2F0 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${1000 + i} 1\n`;
    writeFileSync(join(proc, 'net/tcp'), header + row(0, '01') + row(1, '06') + row(2, '08'));
    // An IPv6 ESTABLISHED socket: counted only when tcp6 is read.
    writeFileSync(join(proc, 'net/tcp6'), header + row(0, '01'));
    writeFileSync(join(proc, 'net/sockstat'), 'sockets: used 40\nTCP: inuse 3 orphan 0 tw 7 alloc 5 mem 1\nUDP: inuse 0 mem 0\n');
    const counts = async (): Promise<Record<string, number>> => {
      const outcome = await runExecPlugin(spec({ proc }));
      if (!outcome.ok) throw new Error(outcome.error.message);
      return outcome.values;
    };
    writeFileSync(join(proc, 'net/sockstat6'), 'TCP6: inuse 1\nUDP6: inuse 0\n');
    expect(await counts()).toMatchObject({ sockets_tcp_established: 2, sockets_tcp_time_wait: 7, sockets_tcp_close_wait: 1 });
    writeFileSync(join(proc, 'net/sockstat6'), 'TCP6: inuse 0\nUDP6: inuse 0\n');
    expect(await counts()).toMatchObject({ sockets_tcp_established: 1, sockets_tcp_time_wait: 7, sockets_tcp_close_wait: 1 });
  });
});

describe('template.ts', () => {
  it('compiles and reports uptime and a folder’s entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvsf-template-'));
    for (const f of ['a', 'b', 'c']) writeFileSync(join(dir, f), '');
    const outcome = await runModulePlugin(moduleSpec('template.ts', 'myapp', { dir }));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.values.myapp_dir_entries).toBe(3);
    expect(outcome.values.myapp_uptime_seconds).toBeGreaterThan(0);
  });

  it('a missing folder → PLUGIN_THREW naming it', async () => {
    expect(failure(await runModulePlugin(moduleSpec('template.ts', 'myapp', { dir: '/nonexistent/q' })))).toEqual({
      code: 'PLUGIN_THREW',
      message: 'plugin myapp: no folder /nonexistent/q; set options.dir',
    });
  });
});
