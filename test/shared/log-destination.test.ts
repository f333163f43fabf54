// A log that cannot be written (stderr at /dev/full, as on a full disk) costs log lines, never the director or the agent.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { demoDirectorConfig, writeAgentConfigs } from '../../demo/demo-setup.js';
import type { DirectorStatus } from '../../director/status-view.js';
import { CLI_PATH } from '../../shared/version.js';
import { TestDirector } from '../helpers/test-director.js';

const dir = mkdtempSync(join(tmpdir(), 'lvsf-log-full-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The command with its stderr on /dev/full: every write to it fails with ENOSPC. */
function withFullStderr(args: string[]): ChildProcess {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['ignore', 'ignore', full] });
  closeSync(full);
  children.push(child);
  return child;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('a log destination that refuses every line', () => {
  it('leaves the director deciding, counts the lost lines in status, and lets it exit cleanly', async () => {
    const port = await freePort();
    const file = join(dir, 'director.yaml');
    writeFileSync(file, JSON.stringify({ ...demoDirectorConfig(), logLevel: 'debug', status: { host: '127.0.0.1', port } }));
    const director = withFullStderr(['director', '--config', file, '--dry-run']);
    const status = await vi.waitFor(
      async () => {
        expect(director.exitCode, 'the director exited').toBeNull();
        const s = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as DirectorStatus;
        expect(s.lastDecisionAt).toBeDefined();
        expect(s.log?.failedWrites).toBeGreaterThan(0);
        return s;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(status.healthy).toBe(true);
    expect(status.log?.lastError).toBe('ENOSPC');
    director.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => (director.exitCode !== null ? resolve(director.exitCode) : director.once('exit', (c) => resolve(c))));
    expect(code).toBe(0);
  }, 30_000);

  it('leaves the agent reporting', async () => {
    const d = await new TestDirector({ reportIntervalMs: 500 }).start();
    try {
      const files = writeAgentConfigs(dir, Number(new URL(d.url).port));
      const agentFile = Object.values(files)[0]!;
      // At debug level the agent logs every sample and report: all of them fail.
      const agent = withFullStderr(['agent', '--config', agentFile, '--log-level', 'debug']);
      await vi.waitFor(
        () => {
          expect(agent.exitCode, 'the agent exited').toBeNull();
          expect(d.conns.flatMap((c) => c.reports).length).toBeGreaterThanOrEqual(3);
        },
        { timeout: 15_000, interval: 100 },
      );
      expect(agent.exitCode).toBeNull();
    } finally {
      await d.stop();
    }
  }, 30_000);
});
