// Back-pressure on the agent's link: a director that stops reading gets no queue of old reports, and the agent says so once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import type { DirectorLink } from '../../agent/director-link.js';
import { fixtureAgent, linkSettings, startLink } from '../helpers/agent-link.js';
import { nextEvent } from '../helpers/events.js';
import { LEVEL, linesMatching, memoryLogger } from '../helpers/log-lines.js';
import { fixturePath } from '../helpers/paths.js';
import { TestDirector, type TestConn } from '../helpers/test-director.js';

const REPORT_MS = 500;
const MAX_BUFFERED = 16 * 1024;

const running: { links: DirectorLink[]; agents: Agent[]; directors: TestDirector[]; dirs: string[] } = { links: [], agents: [], directors: [], dirs: [] };

afterEach(async () => {
  for (const l of running.links.splice(0)) l.stop();
  for (const a of running.agents.splice(0)) a.stop();
  await Promise.all(running.directors.splice(0).map((d) => d.stop()));
  for (const d of running.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('agent link back-pressure', () => {
  it('drops reports while the director does not read, says so once, and sends the next one when it reads again', async () => {
    // Loopback TCP buffers take megabytes before anything stays unsent; a Unix socket's take about 100 KB, which a
    // few of these 28 KB reports fill.
    const dir = mkdtempSync(join(tmpdir(), 'lvsf-link-'));
    running.dirs.push(dir);
    const d = await new TestDirector({ socketPath: join(dir, 'director.sock'), reportIntervalMs: REPORT_MS }).start();
    running.directors.push(d);
    const { log, lines } = memoryLogger();
    const agent = fixtureAgent(log, {
      sampleInterval: '100ms',
      plugins: [{ name: 'wide', module: fixturePath('agent', 'wide-plugin.mjs'), interval: '500ms' }],
    });
    running.agents.push(agent);
    await agent.start('run'); // its config lists no director: the one link is the test's
    const helloSeen = nextEvent<[TestConn]>(d, 'hello');
    const link = startLink(agent, d.url, 'token', log, linkSettings({ maxBufferedBytes: MAX_BUFFERED }));
    running.links.push(link);

    const [conn] = await helloSeen;
    conn.socket.pause(); // welcomed, and from now on the director does not read
    await vi.waitFor(() => expect(link.stats.reportsDropped).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 20 });
    const sentBefore = link.stats.reportsSent;
    expect(conn.reports).toEqual([]);
    conn.socket.resume();

    // What was sent before arrives; then the first report sent after the backlog cleared, covering every dropped interval.
    await nextEvent<[TestConn]>(d, 'report', (c) => c.reports.length > sentBefore, 20_000);
    const next = conn.reports[sentBefore];
    if (!next) throw new Error('no report after the backlog');
    const dropped = link.stats.reportsDropped;
    expect(JSON.stringify(next).length).toBeGreaterThan(20_000);
    expect(conn.reports.map((r) => r.seq)).toEqual(Array.from({ length: sentBefore + 1 }, (_, i) => i));
    expect(next.intervalMs).toBeGreaterThanOrEqual((dropped + 1) * REPORT_MS - 10);
    // Dropped, not queued: the director got exactly the reports the agent sent.
    expect(link.stats.reportsSent).toBe(sentBefore + 1);

    expect(linesMatching(lines, /^director is not taking reports/, LEVEL.warn)).toHaveLength(1);
    const again = linesMatching(lines, /^director takes reports again/, LEVEL.info);
    expect(again.map((l) => l.msg)).toEqual([`director takes reports again; ${dropped} were dropped`]);
  });
});
