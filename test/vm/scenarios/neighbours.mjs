// Guest side of the neighbours scenario: drives director, agents and client, writes what it saw to results.json.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

// A real director and agents over a fwmark/DR service, a NAT one and a persistent NAT one; raw tables, real traffic
// counts and what the director said go into /lvsf-share/results.json for test/vm/neighbours.vm.test.ts to judge.
const REPO = process.env.REPO_DIR;
const { CLI_PATH: CLI } = await import(`${REPO}/dist/shared/version.js`);
const { readTable } = await import(`${REPO}/test/vm/raw-ipvs.mjs`);
const results = { phases: {}, errors: [], checks: {} };
const { scenarioKit, snapshot: rawSnapshot } = await import(`${REPO}/test/vm/scenarios/guest-kit.mjs`);
const { now, log, until, phase } = scenarioKit(results);
const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' });
const run = promisify(execFile);

const SYSCTL = '/proc/sys/net/ipv4/vs/expire_quiescent_template';
const STICKY = '-t 10.0.0.1:81';
const RS = { rs1: '10.0.1.11', rs2: '10.0.1.12', rs3: '10.0.1.13' };

/** Both listings, one right after the other (raw text: the test judges it with raw-ipvs.mjs). */
const snapshot = () => rawSnapshot(readTable);
const dests = (raw, service) => readTable(raw.save, raw.thresholds)[service]?.dests ?? {};


/** N requests from the client, each on a new connection, one after another: answers counted by server name. */
async function requests(url, n) {
  const { stdout } = await run('ip', ['netns', 'exec', 'client', 'node', `${REPO}/test/vm/client.mjs`, url, String(n), '1']);
  return JSON.parse(stdout);
}

/** `lvs-feedback director --check` as an admin runs it. */
async function check(config) {
  const started = now();
  const r = await run('node', [CLI, 'director', '--check', '--config', config]).catch((err) => err);
  return { code: r.code ?? 0, stdout: r.stdout, stderr: r.stderr, ms: now() - started };
}

let director;
let directorExit;
let directorLog = '';
function startDirector(config) {
  director = spawn('node', [CLI, 'director', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  director.stderr.setEncoding('utf8').on('data', (d) => (directorLog += d));
  directorExit = new Promise((resolve) => director.once('exit', (code, signal) => resolve({ code, signal })));
}
async function stopDirector() {
  director.kill('SIGTERM');
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('the director did not exit within 60 s of SIGTERM')), 60_000).unref());
  return Promise.race([directorExit, timeout]);
}
const agents = {};
function startAgent(rs) {
  agents[rs] = spawn('ip', ['netns', 'exec', rs, 'node', CLI, 'agent', '--config', `/tmp/${rs}.json`], { stdio: 'ignore' });
}
async function status() {
  return (await fetch('http://127.0.0.1:7655/status')).json();
}
const service = (st, name) => st.services.find((s) => s.name === name);


try {
  results.created = readFileSync('/lvsf-share/created.txt', 'utf8');
  // The admin's check before the director runs, while it starts: the sysctl is the kernel's default, 0.
  const firstCheck = check('/tmp/director.json');
  startDirector('/tmp/director.json');
  for (const rs of Object.keys(RS)) startAgent(rs);

  await phase('start', async () => {
    const st = await until('every agent live in every service', async () => {
      const s = await status().catch(() => undefined);
      return s && s.services.every((svc) => svc.dests.length === 3 && svc.dests.every((d) => d.agentState === 'live')) ? s : undefined;
    }, 90_000);
    results.checks.sysctl0 = await firstCheck;
    return { liveAt: now(), sysctl: readFileSync(SYSCTL, 'utf8').trim(), warnings: st.warnings };
  });

  await phase('fwmark-dr', async () => {
    // rs2 is 40 % busy: the director writes 60 for it in all three services.
    const raw = await until('rs2 at 60 in the fwmark and the NAT service', async () => {
      const r = snapshot();
      return dests(r, '-f 101')['10.0.1.12:0']?.weight === 60 && dests(r, '-t 10.0.0.1:80')['10.0.1.12:80']?.weight === 60 ? r : undefined;
    }, 60_000);
    const st = await status();
    const dr = await requests('http://10.0.0.3/', 30);
    const nat = await requests('http://10.0.0.1/', 30);
    return { raw, statusWeights: Object.fromEntries(['mail', 'web'].map((n) => [n, Object.fromEntries(service(st, n).dests.map((d) => [d.dest, d.weight]))])), dr, nat, after: snapshot() };
  });

  let stuck;
  await phase('persistence-sysctl-0', async () => {
    const sysctl = readFileSync(SYSCTL, 'utf8').trim();
    const first = await requests('http://10.0.0.1:81/', 4);
    stuck = Object.keys(first)[0];
    if (Object.keys(first).length !== 1 || !RS[stuck]) throw new Error(`the persistent service did not stick to one server: ${JSON.stringify(first)}`);
    // Its agent stops: after staleAfter the director quiesces the server in the persistent service (stalePolicy quiesce).
    agents[stuck].kill('SIGTERM');
    const stoppedAt = now();
    const raw = await until(`${stuck} at weight 0 in the persistent service`, async () => {
      const r = snapshot();
      return dests(r, STICKY)[`${RS[stuck]}:80`]?.weight === 0 ? r : undefined;
    }, 60_000);
    const quiescedAfterMs = now() - stoppedAt;
    const connections = sh('ipvsadm', ['-Lnc']);
    const st = await status();
    const counts = await requests('http://10.0.0.1:81/', 12);
    return { sysctl, first, stuck, quiescedAfterMs, raw, connections, warnings: st.warnings, counts, lastRequestAt: now() };
  });

  await phase('persistence-sysctl-1', async () => {
    if (!stuck) throw new Error('no server to look at: the previous phase failed');
    const logFrom = directorLog.length;
    const stopped = await stopDirector();
    startDirector('/tmp/director-expire.json');
    // The first decision of the new director: every service has its destinations in status.
    const st = await until('the restarted director’s first decision', async () => {
      const s = await status().catch(() => undefined);
      return s && s.services.every((svc) => svc.dests.length === 3) ? s : undefined;
    }, 90_000);
    const sysctl = readFileSync(SYSCTL, 'utf8').trim();
    const raw = snapshot();
    const connections = sh('ipvsadm', ['-Lnc']);
    const sinceLastRequestMs = now() - results.phases['persistence-sysctl-0'].lastRequestAt;
    const [counts, checked] = await Promise.all([requests('http://10.0.0.1:81/', 8), check('/tmp/director.json')]);
    results.checks.sysctl1 = checked;
    const later = await status();
    return { stopped, sysctl, raw, connections, sinceLastRequestMs, counts, warnings: st.warnings, warningsLater: later.warnings, log: directorLog.slice(logFrom).split('\n').filter((l) => l.includes('expire_quiescent_template')) };
  });
} catch (err) {
  results.errors.push(`setup: ${err.message}`);
}
results.directorLog = directorLog.split('\n').filter((l) => /QUIESCE_PERSISTENT|SYSCTL_ACCESS|expire_quiescent_template|persistence warning|weight \d+ → |stale|did not land/.test(l)).slice(-200);
director?.kill('SIGTERM');
for (const a of Object.values(agents)) a.kill('SIGTERM');
results.wallMs = now();
writeFileSync('/lvsf-share/results.json', JSON.stringify(results, null, 1));
log('done');
process.exit(0);
