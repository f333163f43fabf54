// A real agent process reporting over a real WebSocket to the director's agent server: hello, reports, restarts, tokens.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AgentServer } from '../../director/agents/agent-server.js';
import type { LvsfError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logging.js';
import type { HelloMessage, ReportMessage } from '../../shared/protocol/messages.js';
import { nextEvent } from '../helpers/events.js';
import { jsonLines, LEVEL, linesMatching } from '../helpers/log-lines.js';
import { startCli, type RunningCli } from '../helpers/processes.js';

const PLUGIN = fileURLToPath(new URL('../fixtures/agent/queue-plugin.mjs', import.meta.url));

const running: { agents: RunningCli[]; servers: AgentServer[]; dirs: string[] } = { agents: [], servers: [], dirs: [] };
const TLS = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));
const CA_FILE = fileURLToPath(new URL('../fixtures/tls/ca.pem', import.meta.url));

afterEach(async () => {
  await Promise.all(running.agents.splice(0).map((a) => a.stop()));
  await Promise.all(running.servers.splice(0).map((s) => s.stop()));
  for (const d of running.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function startServer(port = 0, tokens: Record<string, string> = { web1: 'right-token' }, tls = false): Promise<{ server: AgentServer; port: number }> {
  const server = new AgentServer({
    host: '127.0.0.1',
    port,
    ...(tls ? { tls: { cert: TLS('director.pem'), key: TLS('director.key') } } : {}),
    tokens: new Map(Object.entries(tokens)),
    directorId: 'test-director',
    reportIntervalMs: 500,
    log: createLogger('director', 'silent'),
    now: () => performance.now(),
  });
  running.servers.push(server);
  return { server, port: await server.start() };
}

function startAgent(directors: { url: string; token: string; caFile?: string }[], id = 'web1', logLevel = 'info'): RunningCli {
  const dir = mkdtempSync(join(tmpdir(), 'lvsf-agent-'));
  running.dirs.push(dir);
  const file = join(dir, 'agent.yaml');
  writeFileSync(
    file,
    stringify({
      id,
      directors,
      sampleInterval: '250ms',
      ports: [22],
      plugins: [{ name: 'queue', module: PLUGIN, interval: '250ms', options: { limit: 50 } }],
    }),
  );
  const agent = startCli(['agent', '--config', file, '--log-level', logLevel]);
  running.agents.push(agent);
  return agent;
}

describe('agent → director over WebSocket', () => {
  it('says hello with host facts, then reports the mean/min/max of its samples and its plugin values', async () => {
    const { server, port } = await startServer();
    const helloSeen = nextEvent<[string, HelloMessage, string]>(server, 'hello');
    const agent = startAgent([{ url: `ws://127.0.0.1:${port}`, token: 'right-token' }]);

    const [agentId, hello] = await helloSeen;
    expect(agentId).toBe('web1');
    expect(hello.protocol).toBe(1);
    expect(hello.host.cores).toBeGreaterThanOrEqual(1);
    expect(hello.host.memTotalBytes).toBeGreaterThan(0);
    expect(hello.ports).toEqual([22]);

    const reports: ReportMessage[] = [];
    await nextEvent<[string, ReportMessage, number]>(server, 'report', (_id, r) => {
      reports.push(r);
      return reports.length >= 3;
    });
    expect(reports.map((r) => r.seq)).toEqual([0, 1, 2]);
    const last = reports[2]!;
    const idle = last.metrics.cpu_idle_pct!;
    expect(idle.n).toBeGreaterThanOrEqual(1);
    expect(idle.min).toBeLessThanOrEqual(idle.mean);
    expect(idle.mean).toBeLessThanOrEqual(idle.max);
    expect(idle.mean).toBeGreaterThanOrEqual(0);
    expect(idle.mean).toBeLessThanOrEqual(100);
    expect(last.metrics.mem_available_bytes!.mean).toBeGreaterThan(0);
    expect(last.metrics.run_queue_per_core).toBeDefined();
    expect(last.metrics.queue_depth).toEqual({ mean: 7, min: 7, max: 7, n: expect.any(Number) });
    expect(last.metrics.queue_limit!.mean).toBe(50);
    expect(last.plugins.queue!.ok).toBe(true);
    // The director asked for 500 ms; the agent's windows say so.
    expect(last.intervalMs).toBeGreaterThan(300);
    expect(last.intervalMs).toBeLessThan(1_500);
    await agent.waitForStderr(/connected to director test-director, reporting every 500 ms/);
    expect(await agent.stop()).toBe(0);
  });

  it('reconnects after the director restarts, and says so once', async () => {
    const first = await startServer();
    // At debug level the repeats that must not be warnings are visible too.
    const agent = startAgent([{ url: `ws://127.0.0.1:${first.port}`, token: 'right-token' }], 'web1', 'debug');
    await nextEvent(first.server, 'report');
    await first.server.stop();
    running.servers.splice(running.servers.indexOf(first.server), 1);
    await agent.waitForStderr(/director unavailable: connection lost/);
    // Two conditions follow each other: the connection was lost, then connecting is refused. Wait until the second
    // has repeated at least once, so "once" is checked against a condition that really happened again.
    await agent.waitForStderr(/connect ECONNREFUSED[\s\S]*connect ECONNREFUSED/);

    const second = await startServer(first.port);
    // Listen for both before either can happen: the first report may follow the welcome at once.
    const helloSeen = nextEvent<[string, HelloMessage, string]>(second.server, 'hello');
    const reportSeen = nextEvent<[string, ReportMessage, number]>(second.server, 'report');
    const [, hello] = await helloSeen;
    expect(hello.agentId).toBe('web1');
    const [, report] = await reportSeen;
    expect(report.seq).toBe(0); // a new connection starts a new sequence; nothing old was queued
    await agent.waitForStderr(/reconnected to director test-director/);
    // A few more reports on the new connection: nothing more is said about the outage.
    await nextEvent<[string, ReportMessage, number]>(second.server, 'report', (_id, r) => r.seq >= 2);

    const lines = jsonLines(agent.stderr());
    const down = linesMatching(lines, /^director unavailable: /).map((l) => [l.level, l.msg.replace(/\d+ ms$/, 'N ms')]);
    expect(down).toEqual([
      [LEVEL.warn, 'director unavailable: connection lost: closed (1001 director stopping); retrying in N ms'],
      [LEVEL.warn, `director unavailable: connect ECONNREFUSED 127.0.0.1:${first.port}; retrying in N ms`],
    ]);
    const repeats = linesMatching(lines, /^director still unavailable: /);
    expect(repeats.length).toBeGreaterThanOrEqual(1);
    expect(repeats.every((l) => l.level === LEVEL.debug)).toBe(true);
    expect(linesMatching(lines, /^connected to director test-director/, LEVEL.info)).toHaveLength(1);
    expect(linesMatching(lines, /^reconnected to director test-director/, LEVEL.info)).toHaveLength(1);
  });

  it('refuses a wrong token with AUTH_FAILED, and both sides say so clearly', async () => {
    const { server, port } = await startServer();
    const refused = nextEvent<[LvsfError, string, string | undefined]>(server, 'refused');
    const agent = startAgent([{ url: `ws://127.0.0.1:${port}`, token: 'wrong-token' }]);
    const [error, , agentId] = await refused;
    expect(error.code).toBe('AUTH_FAILED');
    expect(agentId).toBe('web1');
    expect(server.connectedAgents()).toEqual([]);
    const line = await agent.waitForStderr(/"code":"DIRECTOR_REFUSED".*?"msg":"[^"]*"/);
    expect(line).toContain('AUTH_FAILED');
    expect(line).toContain('token rejected for agent');
    await agent.waitForStderr(/retrying in \d+ ms/);
  });

  it('keeps reporting to a live director while another is down', async () => {
    const { server, port } = await startServer();
    const agent = startAgent([
      { url: 'ws://127.0.0.1:1', token: 'x' },
      { url: `ws://127.0.0.1:${port}`, token: 'right-token' },
    ]);
    const reports: ReportMessage[] = [];
    await nextEvent<[string, ReportMessage, number]>(server, 'report', (_id, r) => {
      reports.push(r);
      return reports.length >= 4;
    });
    expect(reports.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    await agent.waitForStderr(/"director":"ws:\/\/127\.0\.0\.1:1".*director unavailable/);
  });

  it('speaks wss:// to a director whose certificate its CA file vouches for, and refuses one it cannot verify', async () => {
    const { server, port } = await startServer(0, { web1: 'right-token' }, true);
    const reportSeen = nextEvent<[string, ReportMessage, number]>(server, 'report');
    startAgent([{ url: `wss://127.0.0.1:${port}`, token: 'right-token', caFile: CA_FILE }]);
    const [agentId] = await reportSeen;
    expect(agentId).toBe('web1');
    await Promise.all(running.agents.splice(0).map((a) => a.stop()));
    const untrusting = startAgent([{ url: `wss://127.0.0.1:${port}`, token: 'right-token' }]);
    await untrusting.waitForStderr(/director unavailable: .*(self[- ]signed|unable to verify|certificate)/i);
    expect(server.connectedAgents()).toEqual([]);
  });
});
