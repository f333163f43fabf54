// A real director process (dry run) with agents over real WebSockets on loopback: damped weights, bad input, status.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENTS, demoDirectorConfig, DEMO_SETTINGS, writeAgentConfigs } from '../../demo/demo-setup.js';
import type { DirectorStatus } from '../../director/status-view.js';
import { PROTOCOL } from '../../shared/defaults.js';
import { AgentClient, helloFrame, reportFrame, type Reply } from '../helpers/agent-client.js';
import { logSince, startDirectorProcess, statusOf, type DirectorProcess } from '../helpers/director-process.js';
import { LEVEL, type LogLine } from '../helpers/log-lines.js';
import { runCli, startCli, type RunningCli } from '../helpers/processes.js';

/** Largest step per write, in % of the larger of the current and the configured weight (100 for every server here). */
const MAX_STEP_PCT = 25;
const BASE_WEIGHT = 100;
/** Weights here never exceed the configured one, so the largest step is MAX_STEP_PCT % of it. */
const MAX_STEP = (BASE_WEIGHT * MAX_STEP_PCT) / 100;

/** The demo's cluster, made quick: every server's weight is base_weight × (100 − its demo load) / 100. */
function quickConfig(): Record<string, unknown> {
  return demoDirectorConfig({
    ...DEMO_SETTINGS,
    smoothing: { timeConstant: '500ms', blackout: '1s' },
    reportInterval: '500ms',
    controlInterval: '500ms',
    staleAfter: '2s',
    damping: { minInterval: '1s', maxStep: MAX_STEP_PCT, deadband: 5 },
    expression: 'base_weight * (100 - demo_load_busy_pct) / 100',
  });
}

const destOf = (agent: string): string => `10.0.1.${11 + DEMO_AGENTS.indexOf(agent as (typeof DEMO_AGENTS)[number])}:80`;

/** Reads the status endpoint until `done` says so; fails after `timeoutMs`. A wait on state, nothing is measured. */
async function until(d: DirectorProcess, done: (s: DirectorStatus) => boolean, timeoutMs = 20_000): Promise<DirectorStatus> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await statusOf(d);
    if (done(s)) return s;
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last status:\n${JSON.stringify(s.services, null, 1)}`);
    await delay(50);
  }
}

const destsOf = (s: DirectorStatus) => s.services[0]!.dests;
const weightOf = (s: DirectorStatus, agent: string): number => destsOf(s).find((d) => d.agent === agent)!.weight;

interface Change {
  from: number;
  to: number;
}

/** Every weight change the director decided for `dest`, in order, from its decision lines ("weight A → B"). */
function changesOf(d: DirectorProcess, dest: string): Change[] {
  const line = new RegExp(`^web/${dest.replace(/\./g, '\\.')} weight (\\d+) → (\\d+) \\(`);
  return logSince(d).flatMap((l) => {
    const m = line.exec(l.msg);
    return m ? [{ from: Number(m[1]), to: Number(m[2]) }] : [];
  });
}

/** Every weight the dry run would have written for `dest`, in order. */
function writesOf(d: DirectorProcess, dest: string): number[] {
  const line = new RegExp(`^-e -t 10\\.0\\.0\\.1:80 -r ${dest.replace(/\./g, '\\.')} -m -w (\\d+) `);
  const rows = logSince(d)
    .filter((l) => l.msg.startsWith('dry run, would run ipvsadm -R with:'))
    .flatMap((l) => l.msg.split('\n'));
  return rows.flatMap((row) => {
    const m = line.exec(row);
    return m ? [Number(m[1])] : [];
  });
}

describe('director with real agents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsf-director-'));
  let director: DirectorProcess;
  const agents: RunningCli[] = [];

  beforeAll(async () => {
    director = await startDirectorProcess(dir, 'director', quickConfig());
    const files = writeAgentConfigs(dir, Number(new URL(director.agentUrl).port));
    for (const id of DEMO_AGENTS) agents.push(startCli(['agent', '--config', files[id]]));
    try {
      await Promise.all(DEMO_AGENTS.map((id) => director.cli.waitForStderr(new RegExp(`"msg":"agent ${id} connected from `), 20_000)));
    } catch (err) {
      const why = agents.map((a, i) => `${DEMO_AGENTS[i]} (exit ${a.proc.exitCode ?? a.proc.signalCode ?? 'none'}):\n${a.stderr()}`).join('\n');
      throw new Error(`${(err as Error).message}\nagents:\n${why}`);
    }
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await director?.cli.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lowers a loaded server’s weight in damped steps and leaves the others alone', async () => {
    await until(director, (s) => destsOf(s).every((d) => d.agentState === 'live' && d.weight === BASE_WEIGHT));
    writeFileSync(join(dir, 'web2.load'), '60\n');
    await director.cli.waitForStderr(/web\/10\.0\.1\.12:80 weight \d+ → 40 \(/, 20_000);
    await director.cli.waitForStderr(/would run ipvsadm -R with:[^"]*-r 10\.0\.1\.12:80 -m -w 40 /);
    // Each change is logged once, when it is decided: the lines are every step, however slowly anyone looks.
    const steps = changesOf(director, destOf('web2'));
    expect(steps[0]?.from).toBe(BASE_WEIGHT);
    expect(steps.at(-1)?.to).toBe(40);
    steps.forEach((s, i) => {
      if (i > 0) expect(s.from, `step ${i} starts where step ${i - 1} ended`).toBe(steps[i - 1]!.to);
      expect(s.to, `step ${i} goes down`).toBeLessThan(s.from);
      expect(s.from - s.to, `step ${i} (${s.from} → ${s.to}) is at most ${MAX_STEP}`).toBeLessThanOrEqual(MAX_STEP);
    });
    // What was decided is what was written, and nothing else was.
    expect(writesOf(director, destOf('web2'))).toEqual(steps.map((s) => s.to));
    for (const other of ['web1', 'web3']) {
      expect(changesOf(director, destOf(other))).toEqual([]);
      expect(writesOf(director, destOf(other))).toEqual([]);
    }
    const now = await statusOf(director);
    expect(DEMO_AGENTS.map((a) => weightOf(now, a))).toEqual([BASE_WEIGHT, 40, BASE_WEIGHT]);
  });

  it('shows the same state through `lvs-feedback status`, and says clearly when it cannot reach the director', async () => {
    const table = await runCli(['status', '--url', director.statusUrl]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('director demo-director — weights to dry run');
    expect(table.stdout).toContain('web (tcp:10.0.0.1:80)');
    for (const dest of ['10.0.1.11:80', '10.0.1.12:80', '10.0.1.13:80']) expect(table.stdout).toMatch(new RegExp(`${dest.replace(/\./g, '\\.')}\\s+web\\d\\s+live`));
    const json = await runCli(['status', '--url', director.statusUrl, '--json']);
    expect((JSON.parse(json.stdout) as DirectorStatus).services[0]!.dests).toHaveLength(3);
    const down = await runCli(['status', '--url', 'http://127.0.0.1:1/status']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^lvs-feedback status: STATUS_UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:1\/status: .*is the director running/m);
  });
});

describe('director with an agent that sends bad input among its reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsf-director-bad-'));
  const config = quickConfig();
  const tokens = new Map((config.agents as { id: string; token: string }[]).map((a) => [a.id, a.token]));
  /** One director takes the bad frames; its twin gets the same honest reports at the same moments and nothing else. */
  let withBad: DirectorProcess;
  let twin: DirectorProcess;
  const clients: AgentClient[] = [];

  beforeAll(async () => {
    [withBad, twin] = await Promise.all([startDirectorProcess(dir, 'with-bad', config), startDirectorProcess(dir, 'twin', config)]);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([withBad?.cli.stop(), twin?.cli.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each agent connects to `d` and says hello; resolves with the clients and the report interval asked for. */
  async function agentsOn(d: DirectorProcess): Promise<{ by: Map<string, AgentClient>; intervalMs: number }> {
    const by = new Map<string, AgentClient>();
    let intervalMs = 0;
    for (const id of DEMO_AGENTS) {
      const c = await AgentClient.connect(d.agentUrl);
      clients.push(c);
      const welcome = await c.hello(id, tokens.get(id)!);
      expect(welcome.type).toBe('welcome');
      intervalMs = welcome.reportIntervalMs as number;
      by.set(id, c);
    }
    return { by, intervalMs };
  }

  it('answers each bad frame with its code and keeps every weight exactly as in a twin run without them', async () => {
    // Honest loads, steady from the first report, so both runs decide the same steps whenever their decisions fall.
    const load: Record<string, number> = { web1: 20, web2: 60, web3: 0 };
    const a = await agentsOn(withBad);
    const b = await agentsOn(twin);
    const bad = a.by.get('web2')!;

    // Each would pull web2's weight to 0 at once (load 100 over a whole hour) if it were taken.
    const heavy = reportFrame(0, { demo_load_busy_pct: 100 }, 3_600_000);
    const stat = (s: Record<string, number>) => ({ ...heavy, metrics: { demo_load_busy_pct: { mean: 100, min: 100, max: 100, n: 1, ...s } } });
    const frames: [what: string, frame: Record<string, unknown> | string, code: string][] = [
      ['not JSON', JSON.stringify(heavy).slice(0, -1), 'MSG_MALFORMED'],
      ['JSON but not an object', JSON.stringify([heavy]), 'MSG_MALFORMED'],
      ['an unknown message type', { ...heavy, type: 'weights' }, 'MSG_INVALID'],
      ['a metric name outside the alphabet', { ...heavy, metrics: { ...(heavy.metrics as object), 'Demo Load': { mean: 1, min: 1, max: 1, n: 1 } } }, 'MSG_INVALID'],
      ['an interval out of range', { ...heavy, intervalMs: 3_600_001 }, 'MSG_INVALID'],
      ['no samples', stat({ n: 0 }), 'MSG_INVALID'],
      ['a mean above its maximum', stat({ min: 0, max: 50 }), 'MSG_INVALID'],
      ['a mean that is not finite', JSON.stringify(heavy).replace('"mean":100', '"mean":1e999'), 'MSG_INVALID'],
      ['a negative sequence number', { ...heavy, seq: -1 }, 'MSG_INVALID'],
      ['a report for another agent id', { ...heavy, agentId: 'web1' }, 'MSG_INVALID'],
      ['a hello for another agent', helloFrame('web1', tokens.get('web1')!), 'MSG_INVALID'],
      ['a valid report, but too large', JSON.stringify(heavy) + ' '.repeat(PROTOCOL.maxMessageBytes), 'MSG_TOO_LARGE'],
    ];
    const answers: { what: string; reply: Reply; expected: string }[] = [];

    // Reports at the interval the directors asked for; after each honest round, web2 also sends two bad frames to one.
    let seq = 0;
    let next = 0;
    const round = (): void => {
      for (const id of DEMO_AGENTS) {
        const frame = reportFrame(seq, { demo_load_busy_pct: load[id]! }, a.intervalMs);
        a.by.get(id)!.send(frame);
        b.by.get(id)!.send(frame);
      }
      seq += 1;
    };
    const twinSettled = (s: DirectorStatus) => destsOf(s).every((d) => d.agentState === 'live' && d.weight === d.target);
    for (;;) {
      round();
      for (let i = 0; i < 2; i++, next++) {
        const [what, frame, expected] = frames[next % frames.length]!;
        bad.send(frame);
        answers.push({ what, reply: await bad.nextReply().catch((err: Error): Reply => ({ type: `none: ${err.message}` })), expected });
      }
      if (next >= frames.length && twinSettled(await statusOf(twin))) break;
      expect(seq, 'the twin run settles').toBeLessThan(40);
      await delay(a.intervalMs);
    }
    // One last honest round, then the state both directors decided after taking it in.
    round();
    const last = seq - 1;
    const tookLast = (s: DirectorStatus) => destsOf(s).every((d) => d.lastReportSeq === last);
    const [after, twinAfter] = await Promise.all([until(withBad, tookLast), until(twin, tookLast)]);

    for (const { what, reply, expected } of answers) expect({ what, type: reply.type, code: reply.code }).toEqual({ what, type: 'error', code: expected });
    for (const id of DEMO_AGENTS) {
      expect(changesOf(withBad, destOf(id)), `${id}'s weight changes`).toEqual(changesOf(twin, destOf(id)));
      expect(writesOf(withBad, destOf(id)), `${id}'s writes`).toEqual(writesOf(twin, destOf(id)));
    }
    const view = (s: DirectorStatus) => destsOf(s).map(({ agent, agentState, connected, weight, target }) => ({ agent, agentState, connected, weight, target }));
    expect(view(after)).toEqual(view(twinAfter));
    // The twin did move (so a difference would show): web1 and web2 down to their targets, web3 left alone.
    expect(DEMO_AGENTS.map((id) => weightOf(twinAfter, id))).toEqual([80, 40, BASE_WEIGHT]);
    // The director is still running, still hears web2, and logged what it refused.
    expect(withBad.cli.proc.exitCode).toBeNull();
    expect(await bad.stillOpen()).toBe(true);
    const refused = logSince(withBad).filter((l) => l.level === LEVEL.warn && l.agentId === 'web2' && /^refused message from web2: /.test(l.msg));
    expect(new Set(refused.map((l) => l.code))).toEqual(new Set(frames.map(([, , code]) => code)));
  });
});
