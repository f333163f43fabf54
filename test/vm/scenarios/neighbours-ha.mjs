// Guest side of the two-director scenario: two real directors (dira, dirb: one network namespace and IPVS table
// each) fed by the same real agents, keepalived beside the director in dira, real HTTP servers, a steady client; the
// client's traffic goes through dira first, then through dirb. Both tables are sampled raw all along; the samples, the
// answers and the times go to /lvsf-share/results.json for the test to judge.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const REPO = process.env.REPO_DIR; // the build under test
const HERE = process.env.HA_TEST_DIR; // test/vm of the checkout that runs the test
const { CLI_PATH: CLI } = await import(`${REPO}/dist/shared/version.js`);
const { readTable } = await import(`${HERE}/raw-ipvs.mjs`);

const CONTROL_MS = 2_000;
const KA = '-t 10.0.0.1:80';
const RS2_80 = '10.0.1.12:80';
const STATUS = { dira: 'http://10.0.1.1:7655/status', dirb: 'http://10.0.1.2:7655/status' };
/** How long traffic goes through dira before the switch (at least), and through dirb after it. */
const BEFORE_SWITCH_MS = 50_000;
const AFTER_SWITCH_MS = 30_000;
/** The expr service's inputs over the run: [ms after both directors are live, real server, demo_load busy %]. */
const LOADS = [
  [4_000, 'rs1', 30], [12_000, 'rs2', 60], [22_000, 'rs3', 20], [32_000, 'rs1', 0], [42_000, 'rs2', 10],
  [54_000, 'rs3', 50], [64_000, 'rs1', 40], [74_000, 'rs2', 0],
];

const results = { phases: {}, errors: [], times: {}, samples: { dira: [], dirb: [] }, answers: [], loads: [] };
const { scenarioKit } = await import(`${REPO}/test/vm/scenarios/guest-kit.mjs`);
// A failed phase stops the driver: every later phase builds on the one before.
const { log, until, phase } = scenarioKit(results, { everyMs: 200, rethrow: true });



// The raw tables: one long-running `ipvsadm -R` per director namespace (a process start costs a quarter of a second
// of this guest's CPU), asked for both listings (-S -n, then -L -n --thresholds --exact) every 250 ms once it has
// answered the last request; stdbuf makes it print line by line. A sample is complete when the next one begins: at a
// save line (-A/-a) or a listing header after a listing. Its time is when its first line arrived.
const SAMPLE_MS = 250;
const samplers = {};
function startSampler(ns) {
  const p = spawn('ip', ['netns', 'exec', ns, 'stdbuf', '-oL', 'ipvsadm', '-R'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let cur;
  let answered = true;
  const finish = () => {
    if (!cur) return;
    const sample = { t: cur.t, save: cur.save.map((l) => `${l}\n`).join(''), thresholds: cur.list.map((l) => `${l}\n`).join('') };
    try {
      readTable(sample.save, sample.thresholds);
    } catch (err) {
      // keepalived changed the table between the two listings: kept, marked, not judged.
      sample.torn = err.message;
    }
    results.samples[ns].push(sample);
    cur = undefined;
  };
  const begin = () => {
    finish();
    cur = { t: Date.now(), save: [], list: [], inList: false };
  };
  let buf = '';
  p.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const line of lines) {
      answered = true;
      if (/^-[Aa] /.test(line)) {
        if (!cur || cur.inList) begin();
        cur.save.push(line);
      } else if (line.startsWith('IP Virtual Server version')) {
        if (!cur || cur.inList) begin();
        cur.inList = true;
        cur.list.push(line);
      } else if (cur) cur.list.push(line);
    }
  });
  p.stderr.setEncoding('utf8').on('data', (d) => results.errors.push(`ipvsadm -R in ${ns}: ${d.trim()}`));
  const timer = setInterval(() => {
    if (!answered) return;
    answered = false;
    p.stdin.write('-S -n\n-L -n --thresholds --exact\n');
  }, SAMPLE_MS);
  samplers[ns] = { stop: () => (clearInterval(timer), p.stdin.end(), finish()) };
}
const latest = (ns) => results.samples[ns].findLast((s) => s.save !== undefined && s.torn === undefined);
const destsOf = (s, key) => (s ? (readTable(s.save, s.thresholds)[key]?.dests ?? {}) : {});

const kaLog = [];
const dirLog = { dira: '', dirb: '' };
const children = [];
const directors = {};
function startDirector(ns) {
  const p = spawn('ip', ['netns', 'exec', ns, 'node', CLI, 'director', '--config', '/tmp/director-ha.json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  p.stderr.setEncoding('utf8').on('data', (d) => (dirLog[ns] += d));
  children.push(p);
  directors[ns] = p;
}
async function status(ns) {
  const res = await fetch(STATUS[ns], { signal: AbortSignal.timeout(5_000) });
  return res.json();
}
/** The director knows every agent, past its blackout. */
async function live(ns) {
  const st = await status(ns).catch(() => undefined);
  return st?.services.every((s) => s.dests.length === 3 && s.dests.every((d) => d.agentState === 'live')) ? Date.now() : undefined;
}
/** When the next `n` decisions of a director showed in its status (each takes in new reports: their seqs change). */
async function decisionTimes(ns, n) {
  const times = [];
  let last;
  const deadline = Date.now() + CONTROL_MS * (n + 2);
  while (times.length < n && Date.now() < deadline) {
    const st = await status(ns).catch(() => undefined);
    const seqs = st?.services.map((s) => s.dests.map((d) => d.lastReportSeq).join()).join();
    if (seqs !== undefined && last !== undefined && seqs !== last) times.push(Date.now());
    if (seqs !== undefined) last = seqs;
    await sleep(100);
  }
  if (times.length === 0) throw new Error(`no decision of ${ns} seen in its status`);
  return times;
}
/** A topology-ha.sh command, run without blocking this process (the samplers must go on meanwhile). */
function sh(script) {
  // Niced: a Node process starting here takes the guest's CPUs for seconds, and the samplers must not stall meanwhile.
  const p = spawn('nice', ['-n', '10', 'bash', '-c', `source ${HERE}/topology-ha.sh; ${script}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  return new Promise((resolve, reject) => p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script}: exit ${code}: ${err.trim()}`)))));
}

let traffic;
const lastAnswer = [0, 0];
function startTraffic() {
  // Target 0: keepalived's service (scenario 1); target 1: the capacity service (scenario 2).
  traffic = spawn('ip', ['netns', 'exec', 'client', 'node', `${HERE}/traffic.mjs`, 'http://10.0.0.1/', '1', 'http://10.0.0.1:8080/', '2'], { stdio: ['pipe', 'pipe', 'ignore'] });
  let buf = '';
  traffic.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const line of lines) {
      const [t, i, who] = line.split(' ');
      results.answers.push([Number(t), Number(i), who]);
      lastAnswer[Number(i)] = Number(t);
    }
  });
  children.push(traffic);
}

async function scenario1() {
  await phase('keepalived-inhibits', async () => {
    const tKill = Date.now();
    await sh('stop_http rs2 80');
    const tZero = await until('keepalived to set rs2 to weight 0', () => {
      const s = latest('dira');
      return s.t > tKill && destsOf(s, KA)[RS2_80]?.weight === 0 ? s.t : undefined;
    }, 30_000);
    // 15 s: more than 3 × externalEditHold (4 s), about 7 decisions; the status shows each decision's report seq.
    const statuses = [];
    while (Date.now() < tZero + 15_000) {
      const st = await status('dira').catch(() => undefined);
      const d = st?.services.find((s) => s.name === 'ka')?.dests.find((x) => x.dest === RS2_80);
      if (d) statuses.push({ t: Date.now(), weight: d.weight, agentState: d.agentState, lastReportSeq: d.lastReportSeq, reason: d.reason });
      await sleep(1_000);
    }
    return { tKill, tZero, tHoldEnd: Date.now(), statuses };
  });
  await phase('keepalived-restores', async () => {
    const tRestart = Date.now();
    await sh('start_http rs2 80; wait_http rs2 80');
    const tListening = Date.now();
    const tRestore = await until('keepalived to take rs2 back', () => kaLog.find((l) => l.t >= tRestart && /(Enabling|Adding) service \[10\.0\.1\.12\]:tcp:80/.test(l.line))?.t, 30_000);
    // Until rs2 has been low and is back at its configured 100, or 22 s (slow start is 10 s; 2 s decisions).
    let low = false;
    const back = await until('rs2 slow-started back to 100', () => {
      const w = destsOf(latest('dira'), KA)[RS2_80]?.weight;
      // Low means the director's start of the ramp, not the 0 that is still there before keepalived's restore shows.
      if (w !== undefined && w > 0 && w <= 20) low = true;
      return low && w === 100 ? Date.now() : undefined;
    }, 22_000).catch(() => undefined);
    return { tRestart, tListening, tRestore, tEnd: Date.now(), backAt100: back ?? null };
  });
}

try {
  startSampler('dira');
  startSampler('dirb');
  await until('the first raw samples of both tables', () => latest('dira') && latest('dirb'), 60_000);

  const ka = spawn('ip', ['netns', 'exec', 'dira', 'keepalived', '--dont-fork', '--log-console', '-f', '/tmp/keepalived-ha.conf', '--pid', '/run/ka-ha.pid', '--checkers_pid', '/run/ka-ha-c.pid', '--vrrp_pid', '/run/ka-ha-v.pid'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(ka);
  const onKa = (d) => {
    for (const line of String(d).split('\n')) if (line.trim()) kaLog.push({ t: Date.now(), line });
  };
  ka.stdout.on('data', onKa);
  ka.stderr.on('data', onKa);
  await phase('keepalived-up', async () => {
    const t = await until('keepalived to create its service in dira', () => {
      const s = latest('dira');
      return Object.keys(destsOf(s, KA)).length === 3 ? s.t : undefined;
    }, 60_000);
    return { at: t };
  });

  await phase('directors-live', async () => {
    startDirector('dira');
    startDirector('dirb');
    for (const rs of ['rs1', 'rs2', 'rs3']) children.push(spawn('ip', ['netns', 'exec', rs, 'node', CLI, 'agent', '--config', `/tmp/${rs}-ha.json`], { stdio: 'ignore' }));
    const a = await until('dira with every agent live', () => live('dira'), 120_000, 500);
    const b = await until('dirb with every agent live', () => live('dirb'), 120_000, 500);
    return { diraLiveAt: a, dirbLiveAt: b };
  });

  await phase('tick-phases', async () => {
    // When each director's decisions fall within the control interval, as the status shows them: the directors put
    // their decisions on a wall-clock grid, so the two fall together whenever they were started. (The code before
    // decided on a timer of its own, at a phase set by when it started.) Recorded, not asserted: the sequences are.
    const times = await Promise.all([decisionTimes('dira', 3), decisionTimes('dirb', 3)]);
    const offset = (((times[1].at(-1) - times[0].at(-1)) % CONTROL_MS) + CONTROL_MS) % CONTROL_MS;
    return { times, offsetMs: Math.min(offset, CONTROL_MS - offset) };
  });

  // From here on both directors know every agent past its blackout: the weights they decide may be compared.
  const T0 = (results.times.t0 = Date.now());
  for (const [at, rs, pct] of LOADS) {
    setTimeout(() => {
      writeFileSync(`/tmp/${rs}.load`, `${pct}\n`);
      results.loads.push({ t: Date.now(), rs, pct });
    }, at).unref();
  }
  startTraffic();
  await phase('traffic-flows', async () => {
    await until('answers from both services', () => lastAnswer[0] > 0 && lastAnswer[1] > 0, 60_000);
    return { at: Date.now() };
  });

  await scenario1();

  await phase('switch-to-dirb', async () => {
    await until('the time to switch', () => Date.now() >= T0 + BEFORE_SWITCH_MS, BEFORE_SWITCH_MS + 5_000, 500);
    // keepalived's service exists in dira only: its traffic stops first (a request in flight ends within 2 s).
    traffic.stdin.write('stop 0\n');
    const stopped = Date.now();
    await until('keepalived service traffic to end', () => Date.now() - Math.max(lastAnswer[0], stopped) > 2_100, 10_000);
    const tSwitchStart = Date.now();
    await sh('use_director b');
    results.times.tSwitch = Date.now();
    const through = await until('answers through dirb', () => results.answers.some(([t, i, who]) => i === 1 && t > results.times.tSwitch && /^rs\d$/.test(who)), 20_000);
    return { tSwitchStart, tSwitch: results.times.tSwitch, throughDirb: through };
  });

  await phase('after-switch', async () => {
    await until('the end of the run', () => Date.now() >= results.times.tSwitch + AFTER_SWITCH_MS, AFTER_SWITCH_MS + 5_000, 500);
    results.times.tEnd = Date.now();
    return { at: results.times.tEnd };
  });
  results.status = { dira: await status('dira').catch((e) => String(e)), dirb: await status('dirb').catch((e) => String(e)) };
} catch (err) {
  if (!results.errors.some((e) => e.endsWith(err.message))) results.errors.push(`setup: ${err.message}`);
}
traffic?.stdin.end();
for (const p of Object.values(samplers)) p.stop();
for (const p of children) p.kill('SIGTERM');
results.keepalivedLog = kaLog.filter((l) => /service|Disabling|Enabling|Error|Unknown|threshold/i.test(l.line)).slice(-60);
for (const ns of ['dira', 'dirb']) {
  results.directorLog ??= {};
  results.directorLog[ns] = dirLog[ns].split('\n').filter((l) => /weight \d+ → |adopt|outside|slow start|thresholds|absent|missing|error|caught-up/i.test(l)).slice(-300);
  // Every weight change the director logged: the grid instant it belongs to, when it was logged (just before the write).
  results.decisions ??= {};
  results.decisions[ns] = dirLog[ns].split('\n').flatMap((l) => {
    try {
      const j = JSON.parse(l);
      return typeof j.instant === 'number' && typeof j.to === 'number' ? [{ instant: j.instant, time: j.time, service: j.service, dest: j.dest, from: j.from, to: j.to }] : [];
    } catch {
      return [];
    }
  });
}
writeFileSync('/lvsf-share/results.json', JSON.stringify(results));
log(`done: ${results.samples.dira.length} + ${results.samples.dirb.length} raw samples, ${results.answers.length} answers`);
process.exit(0);
