// What every guest-side scenario driver needs: a clock and a log, waiting on state, phases recorded, raw listings.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The helpers of one driver writing into `results` (its `phases` and `errors`). `everyMs` is how often `until` looks;
 * `rethrow` makes a failed phase stop the driver (the later phases depend on it) instead of going on to the next.
 */
export function scenarioKit(results, { everyMs = 300, rethrow = false } = {}) {
  const t0 = performance.now();
  const now = () => Math.round(performance.now() - t0);
  const log = (m) => console.log(`[${(now() / 1000).toFixed(1)}s] ${m}`);

  /** Waits on state, never a fixed sleep: resolves with what `check` returned once it is neither undefined, null nor false. */
  async function until(what, check, timeoutMs = 60_000, every = everyMs) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(every);
    }
  }

  /** Runs one phase, recording what it returns and how long it took, or why it failed. */
  async function phase(name, fn) {
    log(`phase ${name}`);
    const started = now();
    try {
      results.phases[name] = { ...(await fn()), ms: now() - started };
    } catch (err) {
      results.errors.push(`${name}: ${err.message}`);
      results.phases[name] = { failed: err.message, ms: now() - started };
      log(`phase ${name} failed: ${err.message}`);
      if (rethrow) throw err;
    }
  }

  return { now, log, until, phase };
}

/**
 * Both raw listings of this namespace's table, one right after the other (`ipvsadm -Sn`, then `-Ln --thresholds
 * --exact`), read again when a change by someone else fell between them (`readTable` refuses the pair).
 */
export function snapshot(readTable) {
  const sh = (args) => execFileSync('ipvsadm', args, { encoding: 'utf8' });
  for (let attempt = 0; ; attempt++) {
    const raw = { save: sh(['-Sn']), thresholds: sh(['-Ln', '--thresholds', '--exact']) };
    try {
      readTable(raw.save, raw.thresholds);
      return raw;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}
