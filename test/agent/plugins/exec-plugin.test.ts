// Executable plugins as real child processes: output forms, failures, caps, and whole process groups killed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runExecPlugin } from '../../../agent/plugins/exec-plugin.js';
import type { ExecPluginSpec, PluginOutcome } from '../../../agent/plugins/plugin-contract.js';
import { AGENT_DEFAULTS } from '../../../agent/defaults.js';
import { expectAllGone, fixture, killQuietly } from '../../helpers/process-state.js';

const LIMITS = AGENT_DEFAULTS.plugin;
const leftovers: number[] = [];

afterEach(() => {
  killQuietly(leftovers.splice(0));
});

function spec(argv: string[], extra: Partial<ExecPluginSpec> = {}): ExecPluginSpec {
  return { kind: 'exec', name: 'probe', argv, intervalMs: 10_000, timeoutMs: 5_000, options: {}, ...extra };
}

function tempPidFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'lvsf-plugin-')), 'pids');
}

function readPids(file: string): number[] {
  const pids = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
  leftovers.push(...pids);
  return pids;
}

async function timed(run: Promise<PluginOutcome>): Promise<{ outcome: PluginOutcome; ms: number }> {
  const t0 = performance.now();
  const outcome = await run;
  return { outcome, ms: performance.now() - t0 };
}

describe('exec plugin output', () => {
  it('reads key/value lines, passes options as LVSF_OPTION_* and arguments, and keeps stderr', async () => {
    const outcome = await runExecPlugin(spec([fixture('key-values.sh'), 'a', 'b'], { name: 'mailq', options: { limit: 50 } }));
    expect(outcome).toEqual({
      ok: true,
      values: { mailq_deferred: 3, mailq_active: 2, mailq_hold: 0.5, mailq_limit: 50, mailq_arg_count: 2 },
      stderr: 'just a note',
    });
  });

  it('reads a JSON object', async () => {
    const outcome = await runExecPlugin(spec([fixture('json.sh')], { name: 'app' }));
    expect(outcome).toEqual({ ok: true, values: { app_ready: 1, app_latency_ms: 12.5 } });
  });

  it('runs in the given cwd with the given env, never through a shell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvsf-cwd-'));
    const outcome = await runExecPlugin(
      spec(['/bin/sh', '-c', 'test "$(pwd)" = "$EXPECT_DIR" && echo 1', 'ignored; rm -rf /'], { cwd: dir, env: { EXPECT_DIR: dir } }),
    );
    expect(outcome).toEqual({ ok: true, values: { probe: 1 } });
  });

  it('garbage output → PLUGIN_OUTPUT naming the line', async () => {
    const outcome = await runExecPlugin(spec([fixture('garbage.sh')]));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('PLUGIN_OUTPUT');
    expect(outcome.error.message).toContain('line 1');
  });

  it('too much stdout → PLUGIN_OUTPUT, and the program is killed instead of filling memory', async () => {
    const { outcome, ms } = await timed(runExecPlugin(spec([fixture('huge-output.sh')], { timeoutMs: 10_000 })));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('PLUGIN_OUTPUT');
    expect(outcome.error.message).toContain(`printed more than ${LIMITS.maxStdoutBytes} bytes`);
    expect(ms).toBeLessThan(5_000);
  });

  it('stderr is capped', async () => {
    const outcome = await runExecPlugin(spec(['/bin/sh', '-c', 'head -c 100000 /dev/zero | tr "\\000" e >&2; echo 1']));
    expect(outcome.ok).toBe(true);
    expect(outcome.stderr).toContain(`stderr truncated at ${LIMITS.maxStderrBytes} bytes`);
    expect(outcome.stderr!.length).toBeLessThan(LIMITS.maxStderrBytes + 100);
  });
});

describe('exec plugin failures', () => {
  it('non-zero exit → PLUGIN_EXIT with the status and stderr (even though it printed a value)', async () => {
    const outcome = await runExecPlugin(spec([fixture('exit-3.sh')]));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('PLUGIN_EXIT');
    expect(outcome.error.message).toBe('plugin probe: exited with status 3: cannot connect to database at 127.0.0.1:5432');
    expect(outcome.stderr).toBe('cannot connect to database at 127.0.0.1:5432');
  });

  it('death by signal → PLUGIN_EXIT naming the signal', async () => {
    const outcome = await runExecPlugin(spec(['/bin/sh', '-c', 'echo dying >&2; kill -USR1 $$']));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('PLUGIN_EXIT');
    expect(outcome.error.message).toContain('killed by signal SIGUSR1: dying');
  });

  it('missing file, unknown command, no exec bit, missing cwd → PLUGIN_LOAD', async () => {
    const cases: [string[], Partial<ExecPluginSpec>, string][] = [
      [[fixture('does-not-exist.sh')], {}, 'no such file'],
      [['lvsf-no-such-command-anywhere'], {}, 'no such command on PATH'],
      [[fixture('not-executable.sh')], {}, 'permission denied (is it executable?'],
      [['/bin/true'], { cwd: '/nonexistent/dir' }, 'cwd /nonexistent/dir does not exist'],
      [[], {}, 'exec is empty'],
    ];
    for (const [argv, extra, fact] of cases) {
      const outcome = await runExecPlugin(spec(argv, extra));
      expect(outcome.ok, fact).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.error.code).toBe('PLUGIN_LOAD');
      expect(outcome.error.message).toContain(fact);
    }
  });
});

describe('exec plugin process groups', () => {
  it('a hanging script is killed at its timeout together with its children', async () => {
    const pidFile = tempPidFile();
    const timeoutMs = 1_000;
    const { outcome, ms } = await timed(
      runExecPlugin(spec([fixture('hang-with-children.sh')], { timeoutMs, options: { pidfile: pidFile } })),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('PLUGIN_TIMEOUT');
    expect(outcome.error.message).toBe(`plugin probe: no result within ${timeoutMs} ms`);
    expect(ms).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(ms).toBeLessThan(timeoutMs + LIMITS.killGraceMs + 2_000);
    const pids = readPids(pidFile);
    expect(pids).toHaveLength(3);
    await expectAllGone(pids);
  });

  it('a script ignoring SIGTERM gets SIGKILL after the grace period, with its children', async () => {
    const pidFile = tempPidFile();
    const timeoutMs = 500;
    const { outcome, ms } = await timed(runExecPlugin(spec([fixture('ignore-term.sh')], { timeoutMs, options: { pidfile: pidFile } })));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('PLUGIN_TIMEOUT');
    expect(ms).toBeGreaterThanOrEqual(timeoutMs + LIMITS.killGraceMs - 5);
    await expectAllGone(readPids(pidFile));
  });

  it('a child left holding stdout does not delay the result, and is killed', async () => {
    const pidFile = tempPidFile();
    const { outcome, ms } = await timed(
      runExecPlugin(spec([fixture('leaves-child.sh')], { name: 'left', timeoutMs: 10_000, options: { pidfile: pidFile } })),
    );
    expect(outcome).toEqual({ ok: true, values: { left: 5 } });
    expect(ms).toBeLessThan(5_000);
    await expectAllGone(readPids(pidFile));
  });

  it('an aborted signal (agent stopping) ends the run and kills the group', async () => {
    const pidFile = tempPidFile();
    const controller = new AbortController();
    const run = timed(runExecPlugin(spec([fixture('hang-with-children.sh')], { timeoutMs: 20_000, options: { pidfile: pidFile } }), { signal: controller.signal }));
    await expect.poll(() => { try { return readFileSync(pidFile, 'utf8').length > 0; } catch { return false; } }, { timeout: 5_000 }).toBe(true);
    controller.abort();
    const { outcome, ms } = await run;
    expect(outcome.ok).toBe(false);
    expect(ms).toBeLessThan(10_000);
    await expectAllGone(readPids(pidFile));
  });
});
