import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_AGENTS, demoDirectorConfig, DEMO_SETTINGS, writeAgentConfigs } from '../../demo/demo-setup.js';
import type { DirectorStatus } from '../../director/status-view.js';
import { runCli, startCli, type RunningCli } from '../helpers/processes.js';

// A real director process (dry run) and three real agent processes over real WebSockets, on loopback.
const dir = mkdtempSync(join(tmpdir(), 'lvsf-director-'));
let director: RunningCli;
const agents: RunningCli[] = [];
let agentPort: number;
let statusUrl: string;

async function status(): Promise<DirectorStatus> {
  return (await (await fetch(statusUrl)).json()) as DirectorStatus;
}

/** Polls the status endpoint until `done` says so, collecting every status seen; fails after `timeoutMs`. */
async function until(done: (s: DirectorStatus) => boolean, seen: DirectorStatus[] = [], timeoutMs = 20_000): Promise<DirectorStatus[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await status();
    seen.push(s);
    if (done(s)) return seen;
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last status:\n${JSON.stringify(s.services, null, 1)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const weightOf = (s: DirectorStatus, agent: string) => s.services[0]!.dests.find((d) => d.agent === agent)!.weight;

beforeAll(async () => {
  const config = demoDirectorConfig({
    ...DEMO_SETTINGS,
    smoothing: { timeConstant: '500ms', blackout: '1s' },
    reportInterval: '500ms',
    controlInterval: '500ms',
    staleAfter: '2s',
    damping: { minInterval: '1s', maxStep: 25, deadband: 5 },
    expression: 'base_weight * (100 - demo_load_busy_pct) / 100',
  });
  (config.agents as { id: string; token: string }[]).push({ id: 'rogue', token: 'rogue-token-0123456789' });
  const file = join(dir, 'director.yaml');
  writeFileSync(file, JSON.stringify(config));
  director = startCli(['director', '--config', file, '--dry-run']);
  const line = await director.waitForStderr(/"agentPort":\d+,"statusPort":\d+/);
  const [, a, s] = /"agentPort":(\d+),"statusPort":(\d+)/.exec(line)!;
  agentPort = Number(a);
  statusUrl = `http://127.0.0.1:${s}/status`;
  const files = writeAgentConfigs(dir, agentPort);
  for (const id of DEMO_AGENTS) agents.push(startCli(['agent', '--config', files[id]]));
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await director?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('director with real agents', () => {
  it('lowers a loaded server’s weight in damped steps and leaves the others alone', async () => {
    await until((s) => s.services[0]!.dests.every((d) => d.agentState === 'live' && d.weight === 100));
    writeFileSync(join(dir, 'web2.load'), '60\n');
    const seen = await until((s) => weightOf(s, 'web2') === 40);
    const series = seen.map((s) => weightOf(s, 'web2')).filter((w, i, all) => i === 0 || w !== all[i - 1]);
    // 100 → 75 → 50 → 40: never more than 25 at a time, never back up, through intermediate weights.
    expect(series[0]).toBe(100);
    expect(series.at(-1)).toBe(40);
    expect(series.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < series.length; i++) {
      expect(series[i]!).toBeLessThan(series[i - 1]!);
      expect(series[i - 1]! - series[i]!).toBeLessThanOrEqual(25);
    }
    for (const s of seen) {
      expect(weightOf(s, 'web1')).toBe(100);
      expect(weightOf(s, 'web3')).toBe(100);
    }
    const logged = await director.waitForStderr(/web\/10\.0\.1\.12:80 weight 100 → \d+ \(demo_load_busy_pct [\d.]+ → [\d.]+(; step limited from \d+)?\)/);
    expect(logged).toMatch(/weight 100 → 75/);
    await director.waitForStderr(/would run ipvsadm -R with:\\n-e -t 10\.0\.0\.1:80 -r 10\.0\.1\.12:80 -m -w 75 -x 0 -y 0/);
  });

  it('answers a bad report with a stable code, logs it once, and changes no weight', async () => {
    const before = await status();
    const ws = new WebSocket(`ws://127.0.0.1:${agentPort}`);
    const replies: { type: string; code?: string }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString()) as { type: string; code?: string }));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, agentId: 'rogue', token: 'rogue-token-0123456789', agentVersion: 'x', host: { hostname: 'r', cores: 1 }, ports: [] }));
    for (let i = 0; i < 3; i++) ws.send(JSON.stringify({ type: 'report', seq: i, ts: 1, intervalMs: 1000, metrics: { 'Bad Name': { mean: 1, min: 1, max: 1, n: 1 } }, plugins: {} }));
    ws.send('{not json');
    await until(() => replies.filter((r) => r.type === 'error').length >= 4);
    expect(replies[0]!.type).toBe('welcome');
    expect(replies.filter((r) => r.type === 'error').map((r) => r.code)).toEqual(['MSG_INVALID', 'MSG_INVALID', 'MSG_INVALID', 'MSG_MALFORMED']);
    ws.close();
    const after = await status();
    expect(after.services[0]!.dests.map((d) => d.weight)).toEqual(before.services[0]!.dests.map((d) => d.weight));
    expect(director.stderr().match(/refused message from rogue: .*MSG_INVALID|"code":"MSG_INVALID".*refused message from rogue/g)).toHaveLength(1);
  });

  it('shows the same state through `lvs-feedback status`, and says clearly when it cannot reach the director', async () => {
    const table = await runCli(['status', '--url', statusUrl]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('director demo-director — weights to dry run');
    expect(table.stdout).toContain('web (tcp:10.0.0.1:80)');
    for (const dest of ['10.0.1.11:80', '10.0.1.12:80', '10.0.1.13:80']) expect(table.stdout).toMatch(new RegExp(`${dest.replace(/\./g, '\\.')}\\s+web\\d\\s+live`));
    const json = await runCli(['status', '--url', statusUrl, '--json']);
    expect((JSON.parse(json.stdout) as DirectorStatus).services[0]!.dests).toHaveLength(3);
    const down = await runCli(['status', '--url', 'http://127.0.0.1:1/status']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^lvs-feedback status: STATUS_UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:1\/status: .*is the director running/m);
  });
});
