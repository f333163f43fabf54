// Two real director processes (dry run) fed by the same real agents over WebSockets: the same decisions, line for line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENTS, demoDirectorConfig, DEMO_SETTINGS, writeAgentConfigs } from '../../demo/demo-setup.js';
import type { DirectorStatus } from '../../director/status-view.js';
import { jsonLines } from '../helpers/log-lines.js';
import { startCli, type RunningCli } from '../helpers/processes.js';

interface Director {
  cli: RunningCli;
  port: number;
  statusUrl: string;
}

async function startDirector(file: string): Promise<Director> {
  const cli = startCli(['director', '--config', file, '--dry-run']);
  const line = await cli.waitForStderr(/"agentPort":\d+,"statusPort":\d+/);
  const [, a, s] = /"agentPort":(\d+),"statusPort":(\d+)/.exec(line)!;
  return { cli, port: Number(a), statusUrl: `http://127.0.0.1:${s}/status` };
}

async function status(d: Director): Promise<DirectorStatus> {
  return (await (await fetch(d.statusUrl)).json()) as DirectorStatus;
}

/** Waits on both directors' status until `done` holds for each. */
async function untilBoth(ds: Director[], done: (s: DirectorStatus) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const all = await Promise.all(ds.map(status));
    if (all.every(done)) return;
    if (performance.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms:\n${all.map((s) => JSON.stringify(s.services[0]!.dests.map((d) => [d.agent, d.agentState, d.weight]))).join('\n')}`);
    await delay(50);
  }
}

/** Every decision line ("web/… weight A → B (why)") the director logged, in order. */
function decisionsOf(d: Director): string[] {
  const err = d.cli.stderr();
  return jsonLines(err.slice(0, err.lastIndexOf('\n') + 1))
    .map((l) => l.msg)
    .filter((m) => /^web\/\S+ weight \d+ → \d+ \(/.test(m));
}

const weights = (s: DirectorStatus): number[] => s.services[0]!.dests.map((d) => d.weight);

describe('two directors fed by the same agents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsf-two-'));
  const directors: Director[] = [];
  const agents: RunningCli[] = [];

  beforeAll(async () => {
    // The same config for both; each listens on its own ports. Different control-interval phases come for free: the
    // processes start at different moments, and their timers are their own.
    const config = demoDirectorConfig({
      ...DEMO_SETTINGS,
      smoothing: { timeConstant: '1s', blackout: '1s' },
      reportInterval: '500ms',
      controlInterval: '500ms',
      staleAfter: '3s',
      damping: { minInterval: '1s', maxStep: 25, deadband: 5 },
      expression: 'base_weight * (100 - demo_load_busy_pct) / 100',
    });
    for (const name of ['a', 'b']) {
      const file = join(dir, `director-${name}.json`);
      writeFileSync(file, JSON.stringify(config));
      directors.push(await startDirector(file));
    }
    const files = writeAgentConfigs(dir, directors[0]!.port);
    for (const id of DEMO_AGENTS) {
      const agent = JSON.parse(readFileSync(files[id], 'utf8')) as { directors: { url: string; token: string }[] };
      const token = agent.directors[0]!.token;
      agent.directors = directors.map((d) => ({ url: `ws://127.0.0.1:${d.port}`, token }));
      writeFileSync(files[id], JSON.stringify(agent));
      agents.push(startCli(['agent', '--config', files[id]]));
    }
    await untilBoth(directors, (s) => s.services[0]!.dests.every((d) => d.agentState === 'live'));
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all(directors.map((d) => d.cli.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('decide the same weight changes, with the same reasons, in the same order, and end at the same weights', async () => {
    writeFileSync(join(dir, 'web2.load'), '60\n');
    writeFileSync(join(dir, 'web3.load'), '35\n');
    // Down to 40 and 65 within the deadband (5 %), then web2 back up towards 90.
    const near = (w: number | undefined, target: number) => w !== undefined && Math.abs(w - target) <= target * 0.05 + 1;
    await untilBoth(directors, (s) => near(weights(s)[1], 40) && near(weights(s)[2], 65));
    writeFileSync(join(dir, 'web2.load'), '10\n');
    await untilBoth(directors, (s) => near(weights(s)[1], 90));
    // The later of the two may still be one decision behind: wait for it to have as many lines, then compare them.
    const deadline = performance.now() + 10_000;
    while (decisionsOf(directors[0]!).length !== decisionsOf(directors[1]!).length && performance.now() < deadline) await delay(50);
    const [a, b] = directors.map(decisionsOf);
    expect(a!.length).toBeGreaterThanOrEqual(5);
    expect(b).toEqual(a);
    const [sa, sb] = await Promise.all(directors.map(status));
    expect(weights(sb!)).toEqual(weights(sa!));
  }, 60_000);
});
