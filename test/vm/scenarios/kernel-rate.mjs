// Guest side of the kernel-rate scenario: a real director reads the real kernel while a paced client sends a known
// number of connections; records the director's derived rate at each decision, and raw --stats/--rate listings.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const REPO = process.env.REPO_DIR;
const RATE = 20;
const SECONDS = 10;
const { scenarioKit } = await import(`${REPO}/test/vm/scenarios/guest-kit.mjs`);
const results = { phases: {}, errors: [] };
const { now, log, until, phase } = scenarioKit(results, { everyMs: 200, rethrow: true });

/** A raw listing and the wall-clock time it was read (judged on the host by the test's own regexes). */
const listing = (...args) => ({ at: Date.now(), text: execFileSync('ipvsadm', ['-Ln', ...args, '--exact'], { encoding: 'utf8' }) });
const status = async () => (await fetch('http://127.0.0.1:7655/status')).json();
/** The director's derived rate per destination (undefined until it has one). */
const ratesOf = (st) => Object.fromEntries(st.services[0].dests.map((d) => [d.dest, d.kernelRate]));

// The guest script started the director (its log in /tmp/director.log, its pid in /tmp/director.pid).
try {
  await phase('director-reads-the-kernel', async () => {
    // Two reads of an idle table: a rate of 0 for each destination.
    const st = await until('a derived rate for every destination', async () => {
      const s = await status().catch(() => undefined);
      return s && Object.values(ratesOf(s)).length === 3 && Object.values(ratesOf(s)).every((r) => r === 0) ? s : undefined;
    }, 90_000, 300);
    return { at: Date.now(), rates: ratesOf(st) };
  });

  await phase('paced-traffic', async () => {
    const before = listing('--stats');
    const client = spawn('ip', ['netns', 'exec', 'client', 'node', `${REPO}/test/vm/scenarios/paced-client.mjs`, 'http://10.0.0.1/', String(RATE), String(SECONDS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    client.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    client.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    let exited = false;
    const exit = new Promise((resolve) =>
      client.once('exit', (code) => {
        exited = true;
        resolve(code);
      }),
    );
    // Each decision the director takes shows in its status: record it, with the kernel's own estimate read right after.
    const decisions = [];
    let last = '';
    const look = async () => {
      const st = await status();
      const rates = ratesOf(st);
      if (JSON.stringify(rates) !== last) {
        last = JSON.stringify(rates);
        decisions.push({ at: Date.now(), rates, cps: listing('--rate') });
      }
    };
    while (!exited) {
      await look();
      await new Promise((r) => setTimeout(r, 200));
    }
    const code = await exit;
    if (code !== 0) throw new Error(`client exited ${code}: ${err.slice(-500)}`);
    // The traffic stopped: the rate the director derives falls to 0 within a few decisions — once the kernel's
    // estimator (which refreshes the Conns that ipvsadm shows every 2 s) has run after the last connection.
    const stoppedAt = Date.now();
    await until('the derived rate below 0.5/s on every destination', async () => {
      await look();
      return Object.values(decisions.at(-1).rates).every((r) => r < 0.5);
    }, 20_000, 200);
    const after = listing('--stats');
    return { before, after, client: JSON.parse(out), decisions, stoppedAt };
  });
} catch (err) {
  if (!results.errors.length) results.errors.push(`setup: ${err.message}`);
}
process.kill(Number(readFileSync('/tmp/director.pid', 'utf8')), 'SIGTERM');
results.directorLog = readFileSync('/tmp/director.log', 'utf8').split('\n').filter((l) => /error|warn|absent|missing/i.test(l)).slice(-40);
writeFileSync('/lvsf-share/results.json', JSON.stringify(results, null, 1));
log(`done at ${now()} ms`);
process.exit(0);
