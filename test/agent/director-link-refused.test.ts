// A director that refuses the agent: logged once with its reason, retried at the longest backoff unless a retry cures it.
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectorLink } from '../../agent/director-link.js';
import { AgentServer } from '../../director/agents/agent-server.js';
import { createLogger } from '../../shared/logging.js';
import { AgentClient } from '../helpers/agent-client.js';
import { fixtureAgent, linkSettings, startLink } from '../helpers/agent-link.js';
import { nextEvent } from '../helpers/events.js';
import { LEVEL, linesMatching, memoryLogger } from '../helpers/log-lines.js';

// The shipped backoff (1 s doubling to 30 s) scaled down: a first retry would come after 25–50 ms, the longest
// delay is 200–400 ms.
const SETTINGS = linkSettings({ backoffInitialMs: 50, backoffMaxMs: 400, backoffFactor: 2 });

const running: { links: DirectorLink[]; servers: AgentServer[] } = { links: [], servers: [] };

afterEach(async () => {
  for (const l of running.links.splice(0)) l.stop();
  await Promise.all(running.servers.splice(0).map((s) => s.stop()));
});

/** A real director's agent port that knows web1 by 'right-token'. */
async function startServer(reportIntervalMs: number): Promise<{ server: AgentServer; port: number }> {
  const server = new AgentServer({ host: '127.0.0.1', port: 0, tokens: new Map([['web1', 'right-token']]), directorId: 'test-director', reportIntervalMs, log: createLogger('director', 'silent'), now: () => performance.now() });
  running.servers.push(server);
  return { server, port: await server.start() };
}

describe('agent link refused by the director', () => {
  it('waits at least half the longest backoff between attempts, and logs the refusal once', async () => {
    const { server, port } = await startServer(500);
    // Attempt times as the director sees them: each refusal answers one hello.
    const refusedAt: number[] = [];
    server.on('refused', () => refusedAt.push(performance.now()));
    const fourth = nextEvent(server, 'refused', () => refusedAt.length >= 4, 10_000);
    const { log, lines } = memoryLogger();
    running.links.push(startLink(fixtureAgent(log), `ws://127.0.0.1:${port}`, 'wrong-token', log, SETTINGS));
    await fourth;

    const gaps = refusedAt.slice(1).map((t, i) => t - (refusedAt[i] ?? t));
    // Timers may fire up to a millisecond early; the next attempt also needs a connect and a hello, so no upper bound.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(SETTINGS.backoffMaxMs / 2 - 2);

    const refusal = linesMatching(lines, /refused us/, LEVEL.error);
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toMatchObject({ code: 'DIRECTOR_REFUSED', remoteCode: 'AUTH_FAILED' });
    expect(refusal[0]?.msg).toMatch(/^ws:\/\/127\.0\.0\.1:\d+ refused us: AUTH_FAILED: token rejected for agent "web1"$/);
    expect(linesMatching(lines, /^director unavailable: /, LEVEL.warn)).toHaveLength(1);
    expect(linesMatching(lines, /^director still unavailable: /, LEVEL.debug).length).toBeGreaterThanOrEqual(2);
  });

  it('retries a refusal a retry can cure (AGENT_DUPLICATE: the director still holds an older connection) at the usual backoff', async () => {
    const { server, port } = await startServer(60_000);
    // The older connection for web1, just welcomed and so not silent: the director keeps it and refuses the link.
    const older = await AgentClient.connect(`ws://127.0.0.1:${port}`);
    expect((await older.hello('web1', 'right-token')).type).toBe('welcome');
    const refusedAt: number[] = [];
    server.on('refused', () => refusedAt.push(performance.now()));
    const third = nextEvent(server, 'refused', () => refusedAt.length >= 3, 10_000);
    const { log, lines } = memoryLogger();
    running.links.push(startLink(fixtureAgent(log), `ws://127.0.0.1:${port}`, 'right-token', log, SETTINGS));
    await third;
    await older.close();
    const delays = lines.filter((l) => /^director (still )?unavailable: /.test(l.msg)).map((l) => l.retryInMs as number);
    // The backoff starts at 25–50 ms and doubles: the first two delays are far from the longest (200–400 ms).
    expect(delays.slice(0, 2).every((d) => d <= 100), `delays ${delays.join(', ')}`).toBe(true);
    expect(linesMatching(lines, /refused us: AGENT_DUPLICATE/, LEVEL.error)).toHaveLength(1);
  });
});
