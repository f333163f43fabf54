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
const { scenarioKit, snapshot: rawSnapshot } = await import(`${REPO}/test/vm/scenarios/guest-kit.mjs`);
const { now, log, until, phase } = scenarioKit(results, { everyMs: 500 });

const sh = (cmd, args, input) => execFileSync(cmd, args, { encoding: 'utf8', input });

// The kernel's table read raw, with the test's own regexes (raw-ipvs.mjs), never the director's parsers.
const { readTable } = await import(`${REPO}/test/vm/raw-ipvs.mjs`);
const WEB = '-t 10.0.0.1:80';

/** Both listings, one right after the other (keepalived's changes may fall between: read again). */
const snapshot = () => rawSnapshot(readTable);
/** The web service's destinations: id → method, weight, upper, lower, active, inactive. */
const destsOf = (raw) => readTable(raw.save, raw.thresholds)[WEB]?.dests ?? {};
async function table() {
  return destsOf(snapshot());
}
const weights = async () => Object.fromEntries(Object.entries(await table()).map(([id, d]) => [id, d.weight]));


function requests(n, parallel = 1) {
  return JSON.parse(sh('ip', ['netns', 'exec', 'client', 'node', `${REPO}/test/vm/client.mjs`, 'http://10.0.0.1/', String(n), String(parallel)]));
}

const setLoad = (rs, pct) => writeFileSync(`/tmp/${rs}.load`, `${pct}\n`);

let director;
let directorExit;
function startDirector(config = '/tmp/director.json') {
  director = spawn('node', [CLI, 'director', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  director.stderr.setEncoding('utf8').on('data', (d) => (directorLog += d));
  directorExit = new Promise((resolve) => director.once('exit', (code, signal) => resolve({ code, signal })));
}
/** Signals the director and waits until its process has exited; rejects when it has not within the time. */
async function stopDirector(signal, timeoutMs = 60_000) {
  const logFrom = directorLog.length;
  director.kill(signal);
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`the director did not exit within ${timeoutMs} ms of ${signal}`)), timeoutMs).unref());
  const exit = await Promise.race([directorExit, timeout]);
  return { ...exit, log: directorLog.slice(logFrom).split('\n').filter((l) => /exit|stopping/.test(l)) };
}
/** rs1 near 50: its load is 50, and smoothing with the 5 % deadband may stop the last step a little off. */
const near50 = (w) => w >= 45 && w <= 55;
/** The director knows every agent live and has decided: its status shows rs1 at `weight`. */
const directorSettled = (weight) =>
  until(`the director live with rs1 at ${weight}`, async () => {
    const st = await status().catch(() => undefined);
    const dests = st?.services[0].dests ?? [];
    return dests.length === 3 && dests.every((d) => d.agentState === 'live') && dests.find((d) => d.dest === RS.rs1)?.weight === weight ? st : undefined;
  }, 90_000);
let directorLog = '';
const agents = {};
function startAgent(rs) {
  agents[rs] = spawn('ip', ['netns', 'exec', rs, 'node', CLI, 'agent', '--config', `/tmp/${rs}.json`], { stdio: 'ignore' });
}
async function status() {
  const res = await fetch('http://127.0.0.1:7655/status');
  return res.json();
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
    const raw = await until('thresholds in the kernel', async () => {
      const raw = snapshot();
      return destsOf(raw)[RS.rs3]?.upper === 80 ? raw : undefined;
    }, 30_000);
    return { statusUpAt, liveAt: now(), status: s.services[0].dests.map((d) => ({ dest: d.dest, weight: d.weight, agentState: d.agentState })), raw };
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
    return { before, after, rs2Series: series, raw: snapshot() };
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
      samples.push({ t: now(), raw: snapshot() });
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
    // Away from its configured weight, so a restarted director that did not start from the kernel's would show it.
    setLoad('rs1', 50);
    await until('rs1 near 50 before the kill', async () => near50((await weights())[RS.rs1]), 60_000, 500);
    const killed = await stopDirector('SIGKILL');
    setLoad('rs1', 0);
    const series = [await weights()];
    startDirector();
    await until('rs1 back at 100 under the restarted director', async () => {
      const w = await weights();
      if (JSON.stringify(w) !== JSON.stringify(series.at(-1))) series.push(w);
      return w[RS.rs1] === 100;
    }, 90_000, 500);
    return { killed, series };
  });

  await phase('sigterm-leave', async () => {
    setLoad('rs1', 50);
    await until('rs1 near 50 before SIGTERM', async () => near50((await weights())[RS.rs1]), 60_000, 500);
    const before = snapshot();
    const stopped = await stopDirector('SIGTERM');
    return { before, stopped, after: snapshot() };
  });

  await phase('sigterm-restore', async () => {
    // rs1 is near 50 (its load is still 50): a director that restores on exit must write its configured 100 back.
    const rs1 = (await weights())[RS.rs1];
    startDirector('/tmp/director-restore.json');
    await directorSettled(rs1);
    const before = snapshot();
    const stopped = await stopDirector('SIGTERM');
    director = undefined;
    return { before, stopped, after: snapshot() };
  });

} catch (err) {
  results.errors.push(`setup: ${err.message}`);
}
keepalived?.kill('SIGTERM');
results.keepalivedLog = kaLog.split('\n').filter((l) => /Removing|Adding|service|Disabling|Enabling|Error|Unknown/i.test(l)).slice(-40);
results.directorLog = directorLog.split('\n').filter((l) => /weight \d+ → |sorry|ALARM|absent|outside|adopt|stale/i.test(l)).slice(-200);
director?.kill('SIGTERM');
for (const a of Object.values(agents)) a.kill('SIGTERM');
writeFileSync('/lvsf-share/results.json', JSON.stringify(results, null, 1));
log('done');
process.exit(0);
