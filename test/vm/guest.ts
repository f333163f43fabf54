// Boots the test microVM (qemu, TCG) with a script to run inside, and returns its exit code and output.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const REPO = join(HERE, '../..');

export interface GuestResult {
  /** The script's exit status inside the guest (-1 when the guest never printed one). */
  readonly exitCode: number;
  /** What the script wrote on stdout and stderr. */
  readonly output: string;
  /** The serial console (kernel and init messages). */
  readonly console: string;
  /** The folder shared with the guest as /lvsf-share: files the script wrote there are here. */
  readonly shareDir: string;
  readonly wallMs: number;
}

export interface GuestOptions {
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  readonly cpus?: number;
  /** Files to put in the share before boot (path relative to it → content): the script's input, at /lvsf-share/<path>. */
  readonly files?: Readonly<Record<string, string>>;
}

let cache: string | undefined;

/** Builds the guest once (cached across runs by build-guest.sh) and returns its folder. */
export function buildGuest(): string {
  if (cache) return cache;
  const r = spawnSync('bash', [join(HERE, 'build-guest.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`building the guest failed (exit ${r.status}); see stderr`);
  cache = r.stdout.trim().split('\n').at(-1)!;
  return cache;
}

/**
 * Runs `script` (bash) as root inside a fresh guest. The project is at the same path as on the host (the host's / is
 * the guest's read-only lower layer), so scripts can run `node <repo>/dist/bin/lvs-feedback.js`. One guest at a time: the
 * suite runs its files one after another.
 */
export async function runInGuest(script: string, opts: GuestOptions = {}): Promise<GuestResult> {
  const dir = buildGuest();
  const share = mkdtempSync(join(tmpdir(), 'lvsf-vm-'));
  mkdirSync(share, { recursive: true });
  writeFileSync(join(share, 'script.sh'), `set -euo pipefail\ncd ${JSON.stringify(REPO)}\n${script}\n`);
  copyFileSync(join(HERE, 'stage2.sh'), join(share, 'stage2.sh'));
  for (const [path, text] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(share, path)), { recursive: true });
    writeFileSync(join(share, path), text);
  }
  chmodSync(share, 0o777);
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const args = [
    '-accel', 'tcg', '-cpu', 'max', '-m', String(opts.memoryMb ?? 1536), '-smp', String(opts.cpus ?? 2),
    '-nographic', '-no-reboot', '-nic', 'none',
    '-kernel', join(dir, 'vmlinux'), '-initrd', join(dir, 'initrd.gz'),
    '-append', 'console=ttyS0 panic=-1 quiet loglevel=3',
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${share},mount_tag=share,security_model=none,multidevs=remap`,
  ];
  const t0 = performance.now();
  const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let consoleText = '';
  qemu.stdout.on('data', (d: Buffer) => (consoleText += d.toString()));
  qemu.stderr.on('data', (d: Buffer) => (consoleText += d.toString()));
  const timer = setTimeout(() => qemu.kill('SIGKILL'), timeoutMs);
  await new Promise<void>((resolve, reject) => {
    qemu.once('error', (err) => reject(new Error(`cannot start qemu-system-x86_64 (install test/vm/packages.txt): ${err.message}`)));
    qemu.once('exit', () => resolve());
  });
  clearTimeout(timer);
  const marker = /LVSF-EXIT:(\d+)/.exec(consoleText);
  let output = '';
  try {
    output = readFileSync(join(share, 'output.txt'), 'utf8');
  } catch {
    output = '';
  }
  return { exitCode: marker ? Number(marker[1]) : -1, output, console: consoleText, shareDir: share, wallMs: performance.now() - t0 };
}
