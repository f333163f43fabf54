// Runs an executable plugin once: no shell, its own process group, bounded output, and the whole group killed at the end.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { AGENT_DEFAULTS } from '../defaults.js';
import { describeError, LvsfError } from '../../shared/errors.js';
import { PluginExitError, PluginLoadError, PluginOutputError, PluginTimeoutError } from '../errors.js';
import { parsePluginOutput } from './parse-output.js';
import type { ExecPluginSpec, PluginOutcome, PluginRunOptions } from './plugin-contract.js';

const LIMITS = AGENT_DEFAULTS.plugin;

/** The environment variable an option reaches an executable under: `spool` → LVSF_OPTION_SPOOL. */
export function optionEnvName(key: string): string {
  return `LVSF_OPTION_${key.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The agent's environment, the plugin's options as LVSF_OPTION_*, LVSF_PLUGIN_NAME, then the config's `env:`. */
function pluginEnv(spec: ExecPluginSpec): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(spec.options)) {
    if (value === undefined || value === null) continue;
    env[optionEnvName(key)] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  env.LVSF_PLUGIN_NAME = spec.name;
  return { ...env, ...spec.env };
}

/** The errno code (ENOENT, EACCES, …) of a failed spawn, if it has one. */
function errnoCode(err: unknown): unknown {
  return err instanceof Error && 'code' in err ? err.code : undefined;
}

function loadError(spec: ExecPluginSpec, err: unknown): PluginLoadError {
  const program = spec.argv[0] ?? '';
  const code = errnoCode(err);
  if (spec.cwd !== undefined && !existsSync(spec.cwd)) return new PluginLoadError(spec.name, `cwd ${spec.cwd} does not exist`, { cause: err });
  if (code === 'ENOENT') {
    const where = program.includes('/') ? 'no such file' : 'no such command on PATH';
    return new PluginLoadError(spec.name, `${program}: ${where}`, { cause: err });
  }
  if (code === 'EACCES') {
    return new PluginLoadError(spec.name, `${program}: permission denied (is it executable? chmod +x ${program})`, { cause: err });
  }
  return new PluginLoadError(spec.name, `${program}: ${describeError(err)}`, { cause: err });
}

/** Collects a stream's bytes up to a cap. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  bytes = 0;
  overflowed = false;

  constructor(private readonly cap: number) {}

  /** Keeps what fits; returns false once the cap was exceeded. */
  push(chunk: Buffer): boolean {
    const room = this.cap - this.bytes;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.bytes = this.cap;
      this.overflowed = true;
      return false;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    return true;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Runs `spec.argv` once and parses what it prints. Never rejects: every failure is an outcome with a typed error.
 * The child leads its own process group, so its children can be killed with it: at the timeout the group gets
 * SIGTERM, then SIGKILL after killGraceMs; when the program exits, whatever it left running in its group is killed.
 */
export function runExecPlugin(spec: ExecPluginSpec, opts: PluginRunOptions = {}): Promise<PluginOutcome> {
  return new Promise<PluginOutcome>((resolve) => {
    const { name } = spec;
    const [program, ...args] = spec.argv;
    if (program === undefined || program === '') {
      resolve({ ok: false, error: new PluginLoadError(name, 'exec is empty: give the program and its arguments') });
      return;
    }

    const stdout = new CappedBuffer(LIMITS.maxStdoutBytes);
    const stderr = new CappedBuffer(LIMITS.maxStderrBytes);
    /** Set when the agent ended the run (timeout, too much output, stop) before the program ended it. */
    let failure: LvsfError | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let done = false;
    let timeoutTimer: NodeJS.Timeout | undefined;
    /** After a kill or after the exit: stop waiting for the pipes once this fires (an escaped process may hold them). */
    let graceTimer: NodeJS.Timeout | undefined;
    let child: ChildProcessByStdio<null, Readable, Readable>;

    const stderrText = (): string => {
      const text = stderr.text().trimEnd();
      return stderr.overflowed ? `${text} … (stderr truncated at ${LIMITS.maxStderrBytes} bytes)` : text;
    };

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: nobody left in the group.
      }
    };

    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      const err = stderrText();
      const extra = err ? { stderr: err } : {};
      if (failure) return resolve({ ok: false, error: failure, ...extra });
      if (exit?.signal) return resolve({ ok: false, error: new PluginExitError(name, `killed by signal ${exit.signal}`, err), ...extra });
      if (exit?.code !== 0) return resolve({ ok: false, error: new PluginExitError(name, `exited with status ${exit?.code}`, err), ...extra });
      try {
        resolve({ ok: true, values: parsePluginOutput(name, stdout.text()), ...extra });
      } catch (parseErr) {
        const error = parseErr instanceof LvsfError ? parseErr : new PluginOutputError(name, describeError(parseErr));
        resolve({ ok: false, error, ...extra });
      }
    };

    /** Ends the run early: `first` to the group now, SIGKILL after the grace, result at the latest then. */
    const endRun = (err: LvsfError, first: NodeJS.Signals): void => {
      if (failure || done) return;
      failure = err;
      clearTimeout(timeoutTimer);
      killGroup(first);
      clearTimeout(graceTimer);
      graceTimer = setTimeout(() => {
        killGroup('SIGKILL');
        finish();
      }, LIMITS.killGraceMs);
    };

    const onAbort = (): void => endRun(new PluginExitError(name, 'stopped: the agent is shutting down', ''), 'SIGTERM');

    try {
      child = spawn(program, args, {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
        env: pluginEnv(spec),
      });
    } catch (err) {
      resolve({ ok: false, error: loadError(spec, err) });
      return;
    }

    child.on('error', (err: NodeJS.ErrnoException) => {
      // Only a failed spawn matters here (no pid); kill errors are handled where we kill.
      if (child.pid !== undefined || done) return;
      done = true;
      clearTimeout(timeoutTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ ok: false, error: loadError(spec, err) });
    });
    if (child.pid === undefined) return; // the 'error' event follows

    child.stdout.on('data', (chunk: Buffer) => {
      if (!stdout.push(chunk)) {
        endRun(new PluginOutputError(name, `printed more than ${LIMITS.maxStdoutBytes} bytes; it was killed`), 'SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the program left behind in its group goes with it (and releases the pipes).
      killGroup('SIGKILL');
      if (!failure) {
        clearTimeout(timeoutTimer);
        graceTimer = setTimeout(finish, LIMITS.killGraceMs);
      }
    });
    // Every pipe closed: all output is read.
    child.on('close', finish);

    timeoutTimer = setTimeout(() => endRun(new PluginTimeoutError(name, spec.timeoutMs), 'SIGTERM'), spec.timeoutMs);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
