import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { IpvsadmDriver, runIpvsadm } from '../../../../director/kernel/ipvs/ipvsadm-driver.js';
import { createLogger } from '../../../../shared/logging.js';
import { expectAllGone } from '../../../helpers/process-state.js';

const log = createLogger('test', 'silent');
const HANGS = fileURLToPath(new URL('../../../fixtures/ipvs/hangs.sh', import.meta.url));
const FORKS = fileURLToPath(new URL('../../../fixtures/ipvs/forks-and-hangs.sh', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../fixtures/ipvs/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lvsf-ipvsadm-driver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('running ipvsadm', () => {
  it('kills an ipvsadm that does not answer within the timeout and says so with IPVS_COMMAND', async () => {
    const t = performance.now();
    await expect(new IpvsadmDriver({ binary: HANGS, timeoutMs: 300, log }).read()).rejects.toMatchObject({ code: 'IPVS_COMMAND', message: expect.stringContaining('no answer within 300 ms, killed') });
    expect(performance.now() - t).toBeLessThan(5_000);
  });

  it('kills the whole process group of an ipvsadm wrapper that forks and wedges, and does not wait for its pipes', async () => {
    // Killing only the direct child leaves its child holding stdout: the run never ends and no decision follows.
    const pidFile = join(dir, 'grandchild.pid');
    process.env.LVSF_TEST_PIDFILE = pidFile;
    try {
      await expect(runIpvsadm(FORKS, ['-Sn'], 300)).rejects.toMatchObject({ code: 'IPVS_COMMAND', message: expect.stringContaining('no answer within 300 ms, killed') });
    } finally {
      delete process.env.LVSF_TEST_PIDFILE;
    }
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(grandchild).toBeGreaterThan(1);
    await expectAllGone([grandchild]);
  }, 10_000);

  it('reports a missing ipvsadm binary clearly', async () => {
    await expect(new IpvsadmDriver({ binary: '/nonexistent/ipvsadm', log }).read()).rejects.toMatchObject({ code: 'IPVS_COMMAND', message: expect.stringContaining('ENOENT') });
  });

  it('reads the table with -Sn, --thresholds and --stats (the cumulative Conns per destination), all --exact', async () => {
    // This host's kernel has no IPVS: the stand-in prints what a real ipvsadm 1.31 printed for each listing, and
    // refuses any other arguments as ipvsadm would not have been asked them.
    const ipvsadm = join(dir, 'ipvsadm');
    writeFileSync(
      ipvsadm,
      [
        '#!/bin/sh',
        'case "$*" in',
        `  "-Sn") cat "${FIXTURES}real-save.txt" ;;`,
        `  "-Ln --thresholds --exact") cat "${FIXTURES}real-thresholds.txt" ;;`,
        `  "-Ln --stats --exact") cat "${FIXTURES}real-stats.txt" ;;`,
        '  *) echo "unexpected: $*" >&2; exit 2 ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(ipvsadm, 0o755);
    const table = await new IpvsadmDriver({ binary: ipvsadm, log }).read();
    const web = table.services.get('tcp:10.0.0.1:80')!;
    expect([...web.dests.values()].map((d) => [d.address, d.conns, d.inactiveConns])).toEqual([['10.0.1.11', 114, 133], ['10.0.1.12', 57, 67], ['10.0.1.13', 0, 0]]);
  });

  it('feeds a batch to one process on stdin, and returns what it printed and its status', async () => {
    const r = await runIpvsadm('cat', [], 5_000, '-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 5 -x 0 -y 0\n');
    expect(r).toEqual({ stdout: '-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 5 -x 0 -y 0\n', stderr: '', code: 0 });
  });
});
