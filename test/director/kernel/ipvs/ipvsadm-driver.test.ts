import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IpvsadmDriver, runIpvsadm } from '../../../../director/kernel/ipvs/ipvsadm-driver.js';
import { createLogger } from '../../../../shared/logging.js';

const log = createLogger('test', 'silent');
const HANGS = fileURLToPath(new URL('../../../fixtures/ipvs/hangs.sh', import.meta.url));

describe('running ipvsadm', () => {
  it('kills an ipvsadm that does not answer within the timeout and says so with IPVS_COMMAND', async () => {
    const t = performance.now();
    await expect(new IpvsadmDriver({ binary: HANGS, timeoutMs: 300, log }).read()).rejects.toMatchObject({ code: 'IPVS_COMMAND', message: expect.stringContaining('no answer within 300 ms, killed') });
    expect(performance.now() - t).toBeLessThan(5_000);
  });

  it('reports a missing ipvsadm binary clearly', async () => {
    await expect(new IpvsadmDriver({ binary: '/nonexistent/ipvsadm', log }).read()).rejects.toMatchObject({ code: 'IPVS_COMMAND', message: expect.stringContaining('ENOENT') });
  });

  it('feeds a batch to one process on stdin, and returns what it printed and its status', async () => {
    const r = await runIpvsadm('cat', [], 5_000, '-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 5 -x 0 -y 0\n');
    expect(r).toEqual({ stdout: '-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 5 -x 0 -y 0\n', stderr: '', code: 0 });
  });
});
