// One live fleet for the director bench: a real director process (dry run) and real WebSocket agents in other processes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CLI_PATH } from '../../dist/shared/version.js';
import { fleetConfig } from './fleet.mjs';

export const WARMUP_SECONDS = 20;
export const INTERVAL_MS = 2_000;
/** Agents per loopback source address (the director's per-address limit is 64). */
export const PER_ADDRESS = 50;
/** Agents per generator process (each process may hold at most 20,000 open files here). */
const PER_GENERATOR = 10_000;
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)
const SWARM = fileURLToPath(new URL('./agent-swarm.mjs', import.meta.url));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}
const rssMB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** The director's perf block; undefined when a busy director does not answer within 10 s. */
async function perf(statusPort) {
  try {
    const res = await fetch(`http://127.0.0.1:${statusPort}/status?summary=1`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()).perf;
  } catch {
    return undefined;
  }
}

/** The largest figure over the windows; undefined when any window went unanswered or lacks it. */
function worst(windows, key) {
  const values = windows.map((w) => w?.[key]);
  return values.some((v) => v === undefined) ? undefined : Math.max(...values);
}

/** Every process a fleet started, killed however the bench ends (a crash included). */
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** Connects n agents, waits for all (at most 180 s) and a warm-up, then measures for `seconds`. */
export async function runFleet(n, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'lvsf-load-'));
  const [agentPort, statusPort] = [await freePort(), await freePort()];
  const configPath = join(dir, 'director.yaml');
  writeFileSync(configPath, JSON.stringify(fleetConfig(n, agentPort, statusPort, INTERVAL_MS)));
  const logPath = join(dir, 'director.log');
  writeFileSync(logPath, '');
  const director = spawn('bash', ['-c', `ulimit -n 20000; exec "${process.execPath}" "${CLI_PATH}" director --config "${configPath}" 2>>"${logPath}"`], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(director);
  for (let t = 0; t < 200; t++) {
    if (readFileSync(logPath, 'utf8').includes('listening for agents')) break;
    await sleep(100);
  }
  const started = performance.now();
  const generators = [];
  const ready = [];
  for (let first = 0, g = 0; first < n; first += PER_GENERATOR, g++) {
    const count = Math.min(PER_GENERATOR, n - first);
    const opts = { url: `ws://127.0.0.1:${agentPort}`, first, count, intervalMs: INTERVAL_MS, addresses: Math.ceil(n / PER_ADDRESS) };
    const child = spawn('bash', ['-c', `ulimit -n 20000; exec "${process.execPath}" "${SWARM}" '${JSON.stringify(opts)}'`], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    ready[g] = { ready: 0 };
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) if (l.startsWith('{')) ready[g] = JSON.parse(l);
    });
    generators.push(child);
  }
  const total = () => ready.reduce((s, r) => s + r.ready, 0);
  let connectedAfterS;
  for (let t = 0; t < 180 && connectedAfterS === undefined; t++) {
    await sleep(1000);
    if (total() >= n) connectedAfterS = (performance.now() - started) / 1000;
  }
  await sleep(WARMUP_SECONDS * 1000);
  const cpu0 = cpuSeconds(director.pid);
  const t0 = performance.now();
  const log0 = statSync(logPath).size;
  const rss = [];
  const windows = [];
  for (let s = 1; s <= seconds; s++) {
    await sleep(1000);
    rss.push(rssMB(director.pid));
    if (s % 60 === 0) windows.push((await perf(statusPort))?.last);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpuPct = (100 * (cpuSeconds(director.pid) - cpu0)) / wall;
  const last = (await perf(statusPort))?.current;
  if (windows.every((w) => w === undefined)) windows.push(last);
  const logBytes = statSync(logPath).size - log0;
  const stillReady = total();
  for (const g of generators) g.kill('SIGTERM');
  director.kill('SIGTERM');
  // A saturated director may take minutes to reach its SIGTERM handler: it gets 10 s, then SIGKILL.
  const killer = setTimeout(() => director.kill('SIGKILL'), 10_000);
  await new Promise((r) => director.once('exit', r));
  clearTimeout(killer);
  for (const c of [director, ...generators]) children.delete(c);
  const third = Math.max(1, Math.floor(rss.length / 3));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    n,
    connectedAfterS,
    stillReady,
    cpuPct,
    rssFirst: mean(rss.slice(0, third)),
    rssLast: mean(rss.slice(-third)),
    rssMax: Math.max(...rss),
    // A window the director did not answer for (status unanswered for 10 s) leaves the figure unknown, never 0.
    tickP99: worst(windows, 'decisionMsP99'),
    tickMax: worst(windows, 'decisionMsMax'),
    loopP99: worst(windows, 'loopDelayMsP99'),
    unanswered: windows.filter((w) => w === undefined).length,
    logKBps: logBytes / 1024 / wall,
  };
}

