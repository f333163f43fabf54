// The agent's ping/pong cut-off: a director that stops answering pings is declared dead and reconnected.
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectorLink } from '../../agent/director-link.js';
import { fixtureAgent, linkSettings, startLink } from '../helpers/agent-link.js';
import { nextEvent } from '../helpers/events.js';
import { LEVEL, linesMatching, memoryLogger } from '../helpers/log-lines.js';
import { TestDirector, type TestConn } from '../helpers/test-director.js';

const PING_MS = 200;
// The shipped ping period is 10 s; the rule is the same at 200 ms: no pong before the next ping → dead.
const SETTINGS = linkSettings({ pingIntervalMs: PING_MS, backoffInitialMs: 100, backoffMaxMs: 200 });

const running: { links: DirectorLink[]; directors: TestDirector[] } = { links: [], directors: [] };

afterEach(async () => {
  for (const l of running.links.splice(0)) l.stop();
  await Promise.all(running.directors.splice(0).map((d) => d.stop()));
});

async function director(autoPong: boolean): Promise<TestDirector> {
  const d = await new TestDirector({ autoPong }).start();
  running.directors.push(d);
  return d;
}

describe('agent link ping/pong', () => {
  it('cuts off a director that stops answering pings at the second ping, and reconnects', async () => {
    const d = await director(false);
    const { log, lines } = memoryLogger();
    const firstHello = nextEvent<[TestConn]>(d, 'hello');
    const link = startLink(fixtureAgent(log), d.url, 'token', log, SETTINGS);
    running.links.push(link);
    const [first] = await firstHello;
    // Declared dead no later than two ping periods after the welcome (plus scheduling), reconnected after one backoff.
    const closed = nextEvent<[TestConn]>(d, 'close', (c) => c === first, 2 * PING_MS + 2_000);
    const again = nextEvent<[TestConn]>(d, 'hello', (c) => c !== first, 2 * PING_MS + SETTINGS.backoffMaxMs + 3_000);
    await closed;
    expect(first.pings).toBeGreaterThanOrEqual(1);
    // Terminated without a close handshake, and not before the pong to the first ping was due.
    expect(first.closeCode).toBe(1006);
    expect((first.closedAt ?? 0) - first.connectedAt).toBeGreaterThanOrEqual(2 * PING_MS - 5);
    const [second] = await again;
    expect(second.hello?.agentId).toBe('web1');
    expect(link.stats.lastError).toBe(`connection lost: no pong within ${PING_MS} ms`);
    expect(linesMatching(lines, /^director unavailable: connection lost: no pong within 200 ms; retrying in \d+ ms$/, LEVEL.warn)).toHaveLength(1);
  });

  it('keeps a director that answers its pings', async () => {
    const d = await director(true);
    const { log } = memoryLogger();
    const link = startLink(fixtureAgent(log), d.url, 'token', log, SETTINGS);
    running.links.push(link);
    // Five pings answered: without the pongs the connection would have been cut at the second.
    await nextEvent<[TestConn]>(d, 'ping', (c) => c.pings >= 5, 5 * PING_MS + 3_000);
    expect(d.conns).toHaveLength(1);
    expect(d.conns[0]?.closedAt).toBeUndefined();
    expect(link.state).toBe('ready');
    expect(link.stats.lastError).toBeUndefined();
  });
});
