// A director behind an ipvsadm that wedges: /healthz says so, SIGTERM still ends it, and no ipvsadm process is left.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { demoDirectorConfig } from '../../demo/demo-setup.js';
import { expectAllGone } from '../helpers/process-state.js';
import { startCli } from '../helpers/processes.js';

const FORKS = fileURLToPath(new URL('../fixtures/ipvs/forks-and-hangs.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lvsf-stuck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a director whose ipvsadm wedges', () => {
  it('answers 503 on /healthz, says STUCK in status, and still exits on SIGTERM leaving no ipvsadm behind', async () => {
    const file = join(dir, 'director.yaml');
    // An ipvsadm wrapper that forks and never answers: every read of the table is killed at the 500 ms timeout.
    writeFileSync(file, JSON.stringify({ ...demoDirectorConfig(), dryRun: false, ipvsadm: FORKS, ipvs: { timeout: '500ms' }, status: { host: '127.0.0.1', port: 0, stuckAfter: '2s' } }));
    const pidFile = join(dir, 'grandchild.pid');
    const cli = startCli(['director', '--config', file], { LVSF_TEST_PIDFILE: pidFile });
    try {
      const line = await cli.waitForStderr(/"statusPort":\d+/, 20_000);
      const port = /"statusPort":(\d+)/.exec(line)![1];
      const health = await vi.waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          expect(res.status).toBe(503);
          return (await res.json()) as { healthy: boolean; unhealthy: string };
        },
        { timeout: 10_000, interval: 250 },
      );
      expect(health.healthy).toBe(false);
      expect(health.unhealthy).toMatch(/^no decision yet for \d+s \(stuck after 2s\); table read: .*no answer within 500 ms, killed/);
      const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { healthy: boolean; lastDecisionAt?: string };
      expect(status.healthy).toBe(false);
      expect(status.lastDecisionAt).toBeUndefined();
      // The reads go on being tried (and killed): the controller is not wedged behind one of them.
      const kills = () => (cli.stderr().match(/no answer within 500 ms, killed/g) ?? []).length;
      expect(kills()).toBeGreaterThanOrEqual(1);
    } finally {
      cli.proc.kill('SIGTERM');
      const code = await vi.waitFor(
        () => {
          if (cli.proc.exitCode === null && cli.proc.signalCode === null) throw new Error(`still running after SIGTERM; stderr:\n${cli.stderr().slice(-2000)}`);
          return cli.proc.exitCode;
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(code).toBe(0);
    }
    await expectAllGone([Number(readFileSync(pidFile, 'utf8'))]);
  }, 40_000);
});
