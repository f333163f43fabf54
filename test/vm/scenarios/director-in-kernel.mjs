// Guest side of the director scenario: drives a real director, real agents, real servers, keepalived and a client
// through the phases of the real-kernel suite, and writes what it observed to /lvsf-share/results.json.
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const REPO = process.env.REPO_DIR;
const { CLI_PATH: CLI } = await import(`${REPO}/dist/shared/version.js`);
const SVC = 'tcp:10.0.0.1:80';
const RS = { rs1: '10.0.1.11:80', rs2: '10.0.1.12:80', rs3: '10.0.1.13:80' };
const results = { phases: {}, errors: [] };
const t0 = performance.now();
const now = () => Math.round(performance.now() - t0);
const log = (m) => console.log(`[${(now() / 1000).toFixed(1)}s] ${m}`);

const sh = (cmd, args, input) => execFileSync(cmd, args, { encoding: 'utf8', input });

/** The kernel's table as the director's own parser reads it. */
async function table() {
  const { mergeListings } = await import(`${REPO}/dist/director/ipvs/merge-listings.js`);
  const t = mergeListings(sh('ipvsadm', ['-Sn']), sh('ipvsadm', ['-Ln', '--thresholds', '--exact']));
  const svc = t.services.get(SVC);
  return svc ? Object.fromEntries([...svc.dests].map(([id, d]) => [id, { weight: d.weight, method: d.method, upper: d.upper, lower: d.lower, inactive: d.inactiveConns }])) : {};
}
const weights = async () => Object.fromEntries(Object.entries(await table()).map(([id, d]) => [id, d.weight]));

async function until(what, check, timeoutMs = 60_000, everyMs = 500) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

function requests(n, parallel = 1) {
  return JSON.parse(sh('ip', ['netns', 'exec', 'client', 'node', `${REPO}/test/vm/client.mjs`, 'http://10.0.0.1/', String(n), String(parallel)]));
}

const setLoad = (rs, pct) => writeFileSync(`/tmp/${rs}.load`, `${pct}\n`);

let director;
function startDirector() {
  director = spawn('node', [CLI, 'director', '--config', '/tmp/director.json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  director.stderr.setEncoding('utf8').on('data', (d) => (directorLog += d));
}
let directorLog = '';
const agents = {};
function startAgent(rs) {
  agents[rs] = spawn('ip', ['netns', 'exec', rs, 'node', CLI, 'agent', '--config', `/tmp/${rs}.json`], { stdio: 'ignore' });
}
async function status() {
  const res = await fetch('http://127.0.0.1:7655/status');
  return res.json();
}

async function phase(name, fn) {
  log(`phase ${name}`);
  const started = now();
  try {
    results.phases[name] = { ...(await fn()), ms: now() - started };
  } catch (err) {
    results.errors.push(`${name}: ${err.message}`);
    results.phases[name] = { failed: err.message, ms: now() - started };
    log(`phase ${name} failed: ${err.message}`);
  }
}

let keepalived;
let kaLog = '';
try {
  // keepalived owns the virtual service and health-checks the real servers; the director only edits weights.
  keepalived = spawn('keepalived', ['--dont-fork', '--log-console', '-f', '/tmp/keepalived.conf', '--pid', '/run/ka.pid', '--checkers_pid', '/run/ka-c.pid', '--vrrp_pid', '/run/ka-v.pid'], { stdio: ['ignore', 'pipe', 'pipe'] });
  keepalived.stdout.setEncoding('utf8').on('data', (d) => (kaLog += d));
  keepalived.stderr.setEncoding('utf8').on('data', (d) => (kaLog += d));
  await until('keepalived to create the service', async () => Object.keys(await table()).length === 3, 60_000);
  log('keepalived created the service');
  startDirector();
  for (const rs of Object.keys(RS)) startAgent(rs);

  await phase('weights-land', async () => {
    const statusUpAt = await until('the status endpoint', async () => ((await status().catch(() => undefined)) ? now() : undefined), 90_000, 500);
    const s = await until('all agents live', async () => {
      const st = await status().catch(() => undefined);
      return st && st.services[0].dests.every((d) => d.agentState === 'live') ? st : undefined;
    }, 90_000);
    const t = await until('thresholds in the kernel', async () => {
      const t = await table();
      return t[RS.rs3]?.upper === 80 ? t : undefined;
    }, 30_000);
    return { statusUpAt, liveAt: now(), status: s.services[0].dests.map((d) => ({ dest: d.dest, weight: d.weight, agentState: d.agentState })), table: t };
  });

  await phase('load-one-server', async () => {
    const before = requests(150);
    setLoad('rs2', 60);
    const series = [];
    // The target is 40; the 5 % deadband may stop the last step a little above it.
    await until('rs2 near weight 40 in the kernel', async () => {
      const w = await weights();
      if (series.at(-1) !== w[RS.rs2]) series.push(w[RS.rs2]);
      return w[RS.rs2] <= 42;
    }, 60_000, 500);
    const after = requests(150);
    return { before, after, rs2Series: series, table: await table() };
  });

  await phase('sorry-server', async () => {
    for (const rs of Object.keys(RS)) setLoad(rs, 100);
    const allZero = await until('every weight at 0', async () => {
      const w = await weights();
      return Object.values(RS).every((id) => w[id] === 0) ? w : undefined;
    }, 60_000, 500);
    const sorryIn = await until('the sorry server in the table', async () => ((await table())['10.0.1.99:80'] ? now() : undefined), 60_000, 500);
    const answers = requests(20);
    for (const rs of Object.keys(RS)) setLoad(rs, 0);
    const recoveredAt = now();
    const sorryOut = await until('the sorry server out of the table', async () => ((await table())['10.0.1.99:80'] ? undefined : now()), 90_000, 500);
    const afterRecovery = requests(30);
    return { allZero, answers, sorryInAt: sorryIn, recoveredAt, sorryOutAfterMs: sorryOut - recoveredAt, afterRecovery };
  });

  await phase('keepalived-removes-a-server', async () => {
    execFileSync('bash', ['-c', 'kill $(cat /tmp/http-rs2.pid)']);
    await until('keepalived to remove rs2', async () => !(await table())[RS.rs2], 60_000, 500);
    const samples = [];
    const end = performance.now() + 30_000;
    while (performance.now() < end) {
      samples.push({ t: now(), table: await table() });
      await sleep(1_000);
    }
    const st = await status();
    return { samples, rs2Status: st.services[0].dests.find((d) => d.dest === RS.rs2) };
  });

  await phase('keepalived-restores-a-server', async () => {
    execFileSync('bash', ['-c', `source ${REPO}/test/vm/topology.sh; start_http rs2`]);
    const back = await until('keepalived to add rs2 back', async () => (await table())[RS.rs2], 60_000, 500);
    const series = [];
    const end = performance.now() + 12_000;
    while (performance.now() < end) {
      series.push((await weights())[RS.rs2]);
      await sleep(500);
    }
    return { addedWith: back, series };
  });

  await phase('sigkill-and-restart', async () => {
    const before = await weights();
    director.kill('SIGKILL');
    await sleep(3_000);
    const afterKill = await weights();
    setLoad('rs1', 50);
    startDirector();
    const series = [await weights()];
    await until('rs1 at weight 50 under the restarted director', async () => {
      const w = await weights();
      if (JSON.stringify(w) !== JSON.stringify(series.at(-1))) series.push(w);
      return w[RS.rs1] === 50;
    }, 90_000, 500);
    return { before, afterKill, series };
  });

} catch (err) {
  results.errors.push(`setup: ${err.message}`);
}
keepalived?.kill('SIGTERM');
results.keepalivedLog = kaLog.split('\n').filter((l) => /Removing|Adding|service|Disabling|Enabling|Error|Unknown/i.test(l)).slice(-40);
results.directorLog = directorLog.split('\n').filter((l) => /weight \d+ → |sorry|ALARM|absent|outside|adopt|stale/i.test(l)).slice(-80);
director?.kill('SIGTERM');
for (const a of Object.values(agents)) a.kill('SIGTERM');
writeFileSync('/lvsf-share/results.json', JSON.stringify(results, null, 1));
log('done');
process.exit(0);
