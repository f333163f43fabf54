// The real driver: reads the table with ipvsadm -Sn/-Ln, applies every change through one ipvsadm -R, verifies.
import { spawn } from 'node:child_process';
import { IpvsCommandError } from '../../errors.js';
import type { Logger } from '../../../shared/logging.js';
import type { ApplyResult, IpvsDriver } from './driver.js';
import { DIRECTOR_DEFAULTS } from '../../defaults.js';
import { mergeListings } from './merge-listings.js';
import type { IpvsTable } from './model.js';
import { lineLanded } from './verify.js';

export interface IpvsadmOptions {
  readonly binary?: string;
  readonly timeoutMs?: number;
  /** How many times lines that did not land are re-sent before they are reported failed. */
  readonly retries?: number;
  readonly log: Logger;
}

/**
 * Runs ipvsadm with an argument array (never a shell), optional stdin, and a time limit. It runs in a process group of
 * its own, and at the limit the whole group is killed and the run ends at once: an ipvsadm wrapper that forks leaves
 * a child holding the output pipe, and waiting for that pipe to close would wait for ever.
 */
export function runIpvsadm(binary: string, args: readonly string[], timeoutMs: number, input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const command = `${binary} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      killGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      settle(() => reject(new IpvsCommandError(command, `no answer within ${timeoutMs} ms, killed (its whole process group)`)));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    child.on('error', (err) => settle(() => reject(new IpvsCommandError(command, err.message, { cause: err }))));
    child.on('close', (code, signal) => {
      settle(() => (signal ? reject(new IpvsCommandError(command, `killed by ${signal}`)) : resolve({ stdout, stderr, code: code ?? 0 })));
    });
    child.stdin.on('error', () => {}); // a child that exits early closes its stdin; 'close' reports the outcome
    child.stdin.end(input ?? '');
  });
}

/** SIGKILL to the process group led by `pid` (its children included); nothing when it is gone already. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group has exited meanwhile
  }
}

export class IpvsadmDriver implements IpvsDriver {
  readonly description: string;
  private readonly binary: string;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(private readonly opts: IpvsadmOptions) {
    this.binary = opts.binary ?? DIRECTOR_DEFAULTS.ipvs.binary;
    this.timeoutMs = opts.timeoutMs ?? DIRECTOR_DEFAULTS.ipvs.timeoutMs;
    this.retries = opts.retries ?? DIRECTOR_DEFAULTS.ipvs.retries;
    this.description = `ipvsadm (${this.binary})`;
  }

  private async output(args: string[]): Promise<string> {
    const r = await runIpvsadm(this.binary, args, this.timeoutMs);
    if (r.code !== 0) throw new IpvsCommandError(`${this.binary} ${args.join(' ')}`, `exit ${r.code}: ${r.stderr.trim().slice(0, 300)}`);
    return r.stdout;
  }

  /**
   * The table: -Sn for methods and weights, --thresholds for -x/-y and connections, --stats for the cumulative count of
   * connections per destination (the core differences it between decisions: an exact rate, where --rate gives the
   * kernel's coarse integer estimator).
   */
  async read(): Promise<IpvsTable> {
    const [save, thresholds, stats] = await Promise.all([
      this.output(['-Sn']),
      this.output(['-Ln', '--thresholds', '--exact']),
      this.output(['-Ln', '--stats', '--exact']),
    ]);
    return mergeListings(save, thresholds, stats);
  }

  /**
   * One ipvsadm -R for the whole batch. ipvsadm -R applies each line on its own, goes on after a line the kernel
   * refuses and reports only the last line's status, so the table is read back and every line checked; lines that did
   * not land are sent again (bounded), then reported with the kernel's words.
   */
  async apply(lines: readonly string[]): Promise<ApplyResult> {
    let pending = [...lines];
    const applied: string[] = [];
    let lastError = '';
    if (pending.length === 0) return { applied, failed: [], table: await this.read() };
    let table: IpvsTable;
    let attempt = 0;
    do {
      const r = await runIpvsadm(this.binary, ['-R'], this.timeoutMs, `${pending.join('\n')}\n`);
      lastError = r.stderr.trim().split('\n').slice(-3).join(' / ') || (r.code !== 0 ? `exit ${r.code}` : '');
      table = await this.read();
      const still: string[] = [];
      for (const line of pending) (lineLanded(table, line) ? applied : still).push(line);
      if (still.length > 0) this.opts.log.debug({ attempt: attempt + 1, notLanded: still.length, ipvsadm: lastError }, `${still.length} of ${pending.length} change(s) did not land${attempt < this.retries ? ', sending them again' : ''}`);
      pending = still;
      attempt++;
    } while (attempt <= this.retries && pending.length > 0);
    return { applied, failed: pending.map((line) => ({ line, reason: lastError || 'not in the table when read back' })), table };
  }
}
