// Real director processes (dry run) fed by the same real agents over WebSockets: the same decisions, line for line, and
// the same again after one of them stalled and missed reports.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENTS, demoDirectorConfig, DEMO_SETTINGS, writeAgentConfigs } from '../../demo/demo-setup.js';
import type { DirectorStatus } from '../../director/status-view.js';
import { changesByInstant, logSince, startDirectorProcess, statusOf, type DirectorProcess } from '../helpers/director-process.js';
import { startCli, type RunningCli } from '../helpers/processes.js';

/** Waits on both directors' status until `done` holds for each. */
async function untilBoth(ds: DirectorProcess[], done: (s: DirectorStatus) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const all = await Promise.all(ds.map(statusOf));
    if (all.every(done)) return;
    if (performance.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms:\n${all.map((s) => JSON.stringify(s.services[0]!.dests.map((d) => [d.agent, d.agentState, d.weight]))).join('\n')}`);
    await delay(50);
  }
}

/** Every decision line ("web/… weight A → B (why)") the director logged, in order. */
function decisionsOf(d: DirectorProcess): string[] {
  return logSince(d)
    .map((l) => l.msg)
    .filter((m) => /^web\/\S+ weight \d+ → \d+ \(/.test(m));
}

const weights = (s: DirectorStatus): number[] => s.services[0]!.dests.map((d) => d.weight);

const WINDOW_MS = 3_000;

describe('two directors fed by the same agents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsf-two-'));
  const directors: DirectorProcess[] = [];
  const agents: RunningCli[] = [];

  beforeAll(async () => {
    // The same config for both; each listens on its own ports. Different control-interval phases come for free: the
    // processes start at different moments, and their timers are their own.
    const config = demoDirectorConfig({
      ...DEMO_SETTINGS,
      smoothing: { timeConstant: '1s', blackout: '1s', window: `${WINDOW_MS}ms` },
      reportInterval: '500ms',
      controlInterval: '500ms',
      staleAfter: '3s',
      damping: { minInterval: '1s', maxStep: 25, deadband: 5 },
      expression: 'base_weight * (100 - demo_load_busy_pct) / 100',
    });
    for (const name of ['a', 'b', 'c']) directors.push(await startDirectorProcess(dir, `director-${name}`, config));
    const files = writeAgentConfigs(dir, Number(new URL(directors[0]!.agentUrl).port));
    for (const id of DEMO_AGENTS) {
      const agent = JSON.parse(readFileSync(files[id], 'utf8')) as { directors: { url: string; token: string }[] };
      const token = agent.directors[0]!.token;
      agent.directors = directors.map((d) => ({ url: d.agentUrl, token }));
      writeFileSync(files[id], JSON.stringify(agent));
      agents.push(startCli(['agent', '--config', files[id]]));
    }
    await untilBoth(directors, (s) => s.services[0]!.dests.every((d) => d.agentState === 'live'));
    // c stays out of the first comparison: the second one stalls it.
    stalled = directors.pop()!;
  });
  let stalled: DirectorProcess;

  afterAll(async () => {
    stalled.cli.proc.kill('SIGCONT');
    await Promise.all(agents.map((a) => a.stop()));
    await stalled.cli.stop();
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
    const [sa, sb] = await Promise.all(directors.map(statusOf));
    expect(weights(sb!)).toEqual(weights(sa!));
  }, 60_000);

  it('a director that stalled and missed reports decides the same weights as the other again within three smoothing windows', async () => {
    const [a] = directors;
    const c = stalled;
    // c's process stops; the agents cut it off at their second unanswered ping, and the loads change meanwhile.
    c.cli.proc.kill('SIGSTOP');
    writeFileSync(join(dir, 'web1.load'), '45\n');
    writeFileSync(join(dir, 'web2.load'), '20\n');
    const near = (w: number | undefined, target: number) => w !== undefined && Math.abs(w - target) <= target * 0.05 + 1;
    await untilBoth([a!], (s) => near(weights(s)[0], 55) && near(weights(s)[1], 80));
    await delay(2_000);
    c.cli.proc.kill('SIGCONT');
    await untilBoth([c], (s) => s.services[0]!.dests.every((d) => d.agentState === 'live'), 30_000);
    const from = Date.now() + 3 * WINDOW_MS;
    // From three windows on, new loads: both must go through the same weights at the same instants.
    while (Date.now() < from) await delay(100);
    writeFileSync(join(dir, 'web1.load'), '5\n');
    writeFileSync(join(dir, 'web3.load'), '70\n');
    await untilBoth([a!, c], (s) => near(weights(s)[0], 95) && near(weights(s)[2], 30));
    await delay(2 * WINDOW_MS);
    const [ca, cc] = [changesByInstant(logSince(a!), 'web'), changesByInstant(logSince(c), 'web')];
    const lastBoth = Math.min(Math.max(...ca.keys()), Math.max(...cc.keys()));
    const span = (m: Map<number, string>) => [...m].filter(([g]) => g >= from && g <= lastBoth).map(([g, w]) => `${g - from} ms: ${w}`);
    expect(span(ca).length).toBeGreaterThanOrEqual(3);
    expect(span(cc)).toEqual(span(ca));
    const [sa, sc] = await Promise.all([statusOf(a!), statusOf(c)]);
    expect(weights(sc!)).toEqual(weights(sa!));
    // c did miss reports: it caught up the instants it could not decide while stopped.
    expect(c.cli.stderr()).toMatch(/"event":"caught-up"/);
  }, 90_000);
});
