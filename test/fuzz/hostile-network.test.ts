// Hold under hostile networks: a live director under FUZZ_FRAMES hostile frames stays up, bounded, and fair to honest agents.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { DIRECTOR_DEFAULTS } from '../../director/defaults.js';
import type { DirectorStatus } from '../../director/status-view.js';
import { AgentClient } from '../helpers/agent-client.js';
import { changesByInstant, logSince, startDirectorProcess, statusOf, type DirectorProcess } from '../helpers/director-process.js';
import { heapUsedAfterGc, INSPECT_OPTIONS, INSPECTOR_URL } from '../helpers/inspector-heap.js';
import { mib, processMemory, sampleMemory } from '../helpers/process-memory.js';
import { seedFrom } from '../helpers/seeded-random.js';
import type { AttackPlan } from './attacker.js';
import { fuzzDirectorConfig, HONEST, HONEST_ADDRESS, NEWCOMER, ROGUES, SETTLE_MS, tokenOf, WINDOW_MS } from './fuzz-cluster.js';
import { HonestAgents } from './honest-agents.js';
import { judgeLog } from './log-judge.js';
import type { Tally } from './tally.js';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 20_000);
const SEED = seedFrom(process.env, 'FUZZ_SEED');
/**
 * What the attacked director may keep after the attack, in heap after a full collection: its maps keyed by addresses
 * (refusals logged, failed hellos, addresses refused a while), each at most agents.logOnceKeys entries of under 256
 * bytes, and 4 MiB for code compiled and caches warmed on the way. Every connection's state goes with the connection.
 */
const HEAP_BOUND_BYTES = 3 * DIRECTOR_DEFAULTS.agents.logOnceKeys * 256 + 4 * 1_048_576;
/**
 * How far its resident memory may rise above where it was before, at the peak: the young generation at its largest
 * (3 × 16 MiB semi-spaces), the old one growing to about twice its live size before a full collection, and the frames
 * of every open connection being read at once (60 lanes × maxFrameBytes): under 160 MiB; beyond, something holds
 * what it should not, even for a moment.
 */
const RSS_BOUND_BYTES = 160 * 1_048_576;
const SAMPLE_MS = 500;
const ATTACKER = fileURLToPath(new URL('./attacker.ts', import.meta.url));

/** Attacker processes still running: killed after the test whatever became of it (a timeout included). */
const attackers = new Set<ChildProcess>();

/** Runs the attacker process against the director; resolves with its tally, rejects if it fails or the director exits. */
function attack(plan: AttackPlan, director: DirectorProcess): Promise<Tally> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ATTACKER, JSON.stringify(plan)]);
  attackers.add(proc);
  proc.once('exit', () => attackers.delete(proc));
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Tally>((resolve, reject) => proc.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Tally) : reject(new Error(`attacker exited ${code}:\n${err}`)))));
  const died = new Promise<never>((_, reject) =>
    director.cli.proc.once('exit', (code, signal) => reject(new Error(`the attacked director exited (${code ?? signal}) during the attack; the end of its stderr:\n${director.cli.stderr().slice(-3_000)}`))),
  );
  return Promise.race([done, died]).finally(() => proc.kill('SIGKILL'));
}

/** Waits until the director has decided the grid instant `instant` (its decision runs at instant + settle). */
async function decided(d: DirectorProcess, instant: number, timeoutMs = 20_000): Promise<DirectorStatus> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await statusOf(d);
    if (s.lastDecisionAt !== undefined && Date.parse(s.lastDecisionAt) >= instant + SETTLE_MS) return s;
    if (performance.now() > deadline) throw new Error(`instant ${instant} not decided within ${timeoutMs} ms`);
    await delay(50);
  }
}

const web = (s: DirectorStatus) => s.services.find((x) => x.name === 'web')!.dests.map(({ agent, agentState, weight, target }) => ({ agent, agentState, weight, target }));

describe(`the director under ${FRAMES} hostile frames (FUZZ_SEED=${SEED})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsf-fuzz-'));
  const directors: DirectorProcess[] = [];
  let honest: HonestAgents | undefined;

  afterAll(async () => {
    for (const proc of attackers) proc.kill('SIGKILL');
    await honest?.close();
    await Promise.all(directors.map((d) => d.cli.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'stays up, bounded in memory and log, and decides for the honest agents what its twin decides without the attack',
    async () => {
      try {
        // The attacked director and its twin, the same config; the honest agents send both the same frames.
        const [attacked, twin] = await Promise.all([startDirectorProcess(dir, 'attacked', fuzzDirectorConfig(), { NODE_OPTIONS: INSPECT_OPTIONS }), startDirectorProcess(dir, 'twin', fuzzDirectorConfig())]);
        directors.push(attacked, twin);
        const inspector = /ws:\/\/\S+/.exec(await attacked.cli.waitForStderr(INSPECTOR_URL))![0];
        honest = await HonestAgents.connect([attacked.agentUrl, twin.agentUrl], SEED);
        // Reports start on a smoothing-window boundary, so both directors' windows hold the same reports.
        const t0 = Math.ceil((Date.now() + 1_000) / WINDOW_MS) * WINDOW_MS;
        const honestRun = honest.run(t0);
        await decided(attacked, t0 + 2_000);

        const pid = attacked.cli.proc.pid!;
        const before = processMemory(pid);
        const heapBefore = await heapUsedAfterGc(inspector);
        const logFrom = attacked.cli.stderr().length;
        const twinLogFrom = twin.cli.stderr().length;
        const attackStart = Date.now();
        const sampler = sampleMemory(pid, SAMPLE_MS);
        const tally = await attack({
          url: attacked.agentUrl,
          seed: SEED,
          frames: FRAMES,
          rogues: ROGUES,
          knownIds: [...HONEST, NEWCOMER.id, ...ROGUES.map((r) => r.id)],
          honestIds: HONEST,
          honestAddress: HONEST_ADDRESS,
          lanes: { silent: 6, unauthenticated: 48 },
        }, attacked);
        const attackMs = Date.now() - attackStart;
        const samples = sampler.stop();
        const after = processMemory(pid);
        const heapAfter = await heapUsedAfterGc(inspector);
        const half = Math.floor(samples.length / 2);
        const peakFirstHalf = Math.max(before.rss, ...samples.slice(0, half));
        const peakSecondHalf = Math.max(before.rss, ...samples.slice(half));
        const attackLog = logSince(attacked, logFrom);
        const logBytes = attacked.cli.stderr().length - logFrom;

        // The honest agents go on a little after the attack, then both directors decide their last report's instant.
        const tailUntil = Date.now() + 2_000;
        while (Date.now() < tailUntil) await delay(100);
        honest.stop();
        const run = await honestRun;
        const lastInstant = Math.ceil(run.lastTs / 500) * 500;
        const [attackedNow, twinNow] = await Promise.all([decided(attacked, lastInstant), decided(twin, lastInstant)]);

        const figures = { seed: SEED, frames: tally.frames, attackMs, framesPerS: Math.round(tally.frames / (attackMs / 1000)), heapBeforeMiB: mib(heapBefore), heapAfterMiB: mib(heapAfter), rssBeforeMiB: mib(before.rss), peakMiB: mib(after.peak), rssAfterMiB: mib(after.rss), peakFirstHalfMiB: mib(peakFirstHalf), peakSecondHalfMiB: mib(peakSecondHalf), logBytes, logLines: attackLog.length, honestMaxLateMs: run.maxLateMs, tally };
        console.log(`fuzz figures: ${JSON.stringify(figures)}`);
        console.log(`attacked director's resident MiB, every ${SAMPLE_MS} ms of the attack: ${samples.map(mib).join(' ')}`);
        // FUZZ_LOG_DIR: keep both directors' logs, to read what happened after a failure.
        if (process.env.FUZZ_LOG_DIR) for (const [name, d] of [['attacked', attacked], ['twin', twin]] as const) writeFileSync(join(process.env.FUZZ_LOG_DIR, `${name}.log`), d.cli.stderr());

        // The attack was what it says: enough frames, every kind of refusal seen.
        expect(tally.frames).toBeGreaterThanOrEqual(FRAMES);
        for (const code of ['MSG_MALFORMED', 'MSG_INVALID', 'MSG_TOO_LARGE', 'AUTH_FAILED', 'AGENT_UNKNOWN', 'HELLO_EXPECTED', 'PROTOCOL_VERSION']) expect.soft(tally.replies[code], `answered ${code}`).toBeGreaterThan(0);
        for (const code of ['4400', '4401', '4429', '1009', '1007']) expect.soft(tally.closes[code], `closed with ${code}`).toBeGreaterThan(0);
        expect.soft(tally.refusedUpgrades['429'], 'addresses refused for their failed hellos').toBeGreaterThan(0);

        // 1. Still up: running, deciding, holding the honest agents, welcoming a new one.
        expect.soft(attacked.cli.proc.exitCode).toBeNull();
        expect.soft(attackedNow.healthy).toBe(true);
        for (const c of honest.clients[0]!) expect.soft(await c.stillOpen()).toBe(true);
        const newcomer = await AgentClient.connect(attacked.agentUrl, NEWCOMER.address);
        expect.soft((await newcomer.hello(NEWCOMER.id, tokenOf(NEWCOMER.id))).type).toBe('welcome');
        await newcomer.close();

        // 2. Memory bounded: what it keeps after the attack, and its peak during it.
        expect.soft(heapAfter - heapBefore, `heap after a full collection: ${mib(heapAfter)} MiB after, ${mib(heapBefore)} MiB before`).toBeLessThanOrEqual(HEAP_BOUND_BYTES);
        expect.soft(after.peak - before.rss, `resident: peak ${mib(after.peak)} MiB, ${mib(before.rss)} MiB before`).toBeLessThanOrEqual(RSS_BOUND_BYTES);

        // 3. Log bounded: what the attack made the director write is within its budgets, whatever the number of frames.
        const verdict = judgeLog(attackLog, logSince(twin, twinLogFrom), { attackMs, rogueSessions: tally.sessions.rogue });
        expect.soft(verdict.overBudget, JSON.stringify(verdict, null, 1)).toEqual([]);
        expect.soft(logBytes).toBeLessThanOrEqual(verdict.boundBytes);

        // 4. The honest agents' weights: the same at every decision instant as in the twin, and they did move.
        const span = (d: DirectorProcess) => [...changesByInstant(logSince(d), 'web')].filter(([g]) => g >= t0 && g <= lastInstant).map(([g, w]) => `${g - t0} ms: ${w}`);
        const twinSpan = span(twin);
        expect.soft(twinSpan.length).toBeGreaterThanOrEqual(5);
        expect.soft(span(attacked)).toEqual(twinSpan);
        expect.soft(web(attackedNow)).toEqual(web(twinNow));
        // The rogues' claims moved their own weights only within the configured range.
        for (const d of attackedNow.services.flatMap((s) => s.dests)) expect.soft(Number.isInteger(d.weight) && d.weight >= 0 && d.weight <= 1_000, `${d.dest} weight ${d.weight}`).toBe(true);
      } catch (err) {
        if (err instanceof Error) err.message = `${err.message}\n(replay with FUZZ_SEED=${SEED} FUZZ_FRAMES=${FRAMES})`;
        throw err;
      }
    },
    90_000 + FRAMES * 2,
  );
});
