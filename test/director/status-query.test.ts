// GET /status answers the part asked for (a service, an agent, a state, a limit, a summary) and refuses what it cannot.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DirectorStatus } from '../../director/status-view.js';
import { TOKEN } from '../helpers/director-fixtures.js';
import { AgentClient, helloFrame, reportFrame } from '../helpers/agent-client.js';
import { startCli, runCli, type RunningCli } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'lvsf-status-query-'));
let cli: RunningCli;
let url: string;
let agent: AgentClient;

beforeAll(async () => {
  const service = (name: string, net: number) => ({ name, address: `10.0.${net}.1`, port: 80, realServers: ['a1', 'a2', 'a3'].map((a, i) => ({ address: `10.0.${net}.${11 + i}`, agent: a })) });
  const file = join(dir, 'director.yaml');
  writeFileSync(file, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, status: { host: '127.0.0.1', port: 0 }, dryRun: true, agents: ['a1', 'a2', 'a3'].map((id) => ({ id, token: TOKEN })), services: [service('web', 0), service('mail', 1)] }));
  cli = startCli(['director', '--config', file]);
  await cli.waitForStderr(/"statusPort":\d+/, 20_000);
  const [, agentPort, statusPort] = /"agentPort":(\d+),"statusPort":(\d+)/.exec(cli.stderr())!;
  url = `http://127.0.0.1:${statusPort}/status`;
  // One agent reports, so its servers leave "waiting" and the states differ.
  agent = await AgentClient.connect(`ws://127.0.0.1:${agentPort}`);
  agent.send(helloFrame('a2', TOKEN));
  expect((await agent.nextReply()).type).toBe('welcome');
  agent.send(reportFrame(0, { cpu_util_pct: 10 }, 2_000));
}, 30_000);

afterAll(async () => {
  await agent?.close();
  await cli?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (query: string) => {
  const res = await fetch(`${url}${query}`);
  return { status: res.status, body: (await res.json()) as DirectorStatus & { code?: string; message?: string } };
};
const rows = (s: DirectorStatus) => s.services.flatMap((svc) => svc.dests.map((d) => `${svc.name} ${d.dest} ${d.agentState}`));

describe('GET /status with a query', () => {
  it('filters by service, agent and state, and counts every server of a service whatever the filter', async () => {
    await vi.waitFor(async () => expect(rows((await get('?state=blackout')).body)).toEqual(['web 10.0.0.12:80 blackout', 'mail 10.0.1.12:80 blackout']), { timeout: 10_000, interval: 200 });
    expect(rows((await get('?service=mail')).body)).toEqual(['mail 10.0.1.11:80 waiting', 'mail 10.0.1.12:80 blackout', 'mail 10.0.1.13:80 waiting']);
    expect(rows((await get('?agent=a3')).body)).toEqual(['web 10.0.0.13:80 waiting', 'mail 10.0.1.13:80 waiting']);
    expect(rows((await get('?limit=4')).body)).toHaveLength(4);
    const summary = (await get('?summary=1')).body;
    expect(summary.services.map((s) => [s.name, s.dests.length, s.counts])).toEqual([
      ['web', 0, { waiting: 2, blackout: 1 }],
      ['mail', 0, { waiting: 2, blackout: 1 }],
    ]);
  });

  it('answers 400 with STATUS_QUERY for an unknown parameter or a bad value', async () => {
    for (const q of ['?servce=web', '?limit=-1', '?state=asleep']) {
      const { status, body } = await get(q);
      expect([q, status, body.code]).toEqual([q, 400, 'STATUS_QUERY']);
    }
    expect((await get('?servce=web')).body.message).toMatch(/unknown parameter "servce"/);
  });

  it('tells how long decisions take and how late the event loop runs', async () => {
    const perf = (await get('')).body.perf!;
    expect(perf.current.decisions).toBeGreaterThan(0);
    expect(perf.current.decisionMsP99).toBeGreaterThan(0);
    expect(perf.current.loopDelayMsP99).toBeGreaterThanOrEqual(0);
  });

  it('lvs-feedback status passes the filter on and shows the counts', async () => {
    const out = await runCli(['status', '--url', url, '--service', 'web', '--state', 'waiting']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^web \(tcp:10\.0\.0\.1:80\) — 2 waiting, 1 blackout$/m);
    expect(out.stdout).toContain('10.0.0.11:80');
    expect(out.stdout).not.toContain('10.0.0.12:80');
    expect(out.stdout).not.toContain('mail');
  });
});
