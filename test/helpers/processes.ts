// Runs the real `lvs-feedback` command as a child process and waits for what it prints, without sleeping.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

import { CLI_PATH } from '../../shared/version.js';

export const CLI = CLI_PATH;

export interface RunningCli {
  proc: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the text matched once `pattern` appears on stderr; rejects after `timeoutMs` or if the process exits. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    waitForStderr(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = pattern.exec(err);
          if (m) {
            cleanup();
            resolve(m[0]);
          }
          return Boolean(m);
        };
        const onExit = (): void => {
          if (!check()) {
            cleanup();
            reject(new Error(`process exited before ${pattern} appeared; stderr:\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${pattern} did not appear within ${timeoutMs} ms; stderr:\n${err}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          proc.stderr.off('data', check);
          proc.off('exit', onExit);
        };
        if (check()) return;
        proc.stderr.on('data', check);
        proc.once('exit', onExit);
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the command to completion. */
export function runCli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, ...args]);
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`lvs-feedback ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
