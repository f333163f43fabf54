// One agent, two directors: each report goes to both with the same contents and the same wall-clock instant.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import type { DirectorLink } from '../../agent/director-link.js';
import { fixtureAgent, linkSettings, startLink } from '../helpers/agent-link.js';
import { memoryLogger } from '../helpers/log-lines.js';
import { TestDirector } from '../helpers/test-director.js';

const REPORT_MS = 500;
const running: { links: DirectorLink[]; agents: Agent[]; directors: TestDirector[] } = { links: [], agents: [], directors: [] };

afterEach(async () => {
  for (const l of running.links.splice(0)) l.stop();
  for (const a of running.agents.splice(0)) a.stop();
  await Promise.all(running.directors.splice(0).map((d) => d.stop()));
});

describe('an agent reporting to two directors', () => {
  it('sends each director the same report for each wall-clock instant, the later connection starting with the last one built', async () => {
    const { log } = memoryLogger();
    const agent = fixtureAgent(log, { sampleInterval: '100ms' });
    running.agents.push(agent);
    await agent.start('run');
    const a = await new TestDirector({ reportIntervalMs: REPORT_MS }).start();
    const b = await new TestDirector({ reportIntervalMs: REPORT_MS }).start();
    running.directors.push(a, b);
    running.links.push(startLink(agent, a.url, 'token', log, linkSettings({})));
    // The second connection comes up a moment later: its reports still fall on the same instants.
    await vi.waitFor(() => expect(a.conns[0]?.reports.length ?? 0).toBeGreaterThanOrEqual(1), { timeout: 10_000, interval: 20 });
    running.links.push(startLink(agent, b.url, 'token', log, linkSettings({})));
    await vi.waitFor(() => expect(b.conns[0]?.reports.length ?? 0).toBeGreaterThanOrEqual(6), { timeout: 15_000, interval: 20 });
    const byTs = (d: TestDirector) => new Map(d.conns[0]!.reports.map(({ seq: _seq, ...r }) => [r.ts, r]));
    const fromA = byTs(a);
    const fromB = byTs(b);
    for (const ts of fromB.keys()) expect(ts % REPORT_MS, 'a multiple of the interval').toBe(0);
    const both = [...fromB.keys()].filter((ts) => fromA.has(ts));
    expect(both.length).toBeGreaterThanOrEqual(4);
    for (const ts of both) expect(fromB.get(ts), `report at ${ts}`).toEqual(fromA.get(ts));
    // The later connection began with the report the first one had already had (built before it connected): both
    // directors start from the same instant.
    const connectedAtWall = Date.now() - (performance.now() - b.conns[0]!.connectedAt);
    const first = b.conns[0]!.reports[0]!.ts;
    expect(first, 'the second director’s first report was built before it connected').toBeLessThan(connectedAtWall);
    expect(fromA.has(first)).toBe(true);
  });
});
