// The persistence warning: exactly when a persistent service may leave a server at weight 0 that its clients still reach.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSave } from '../../../director/kernel/ipvs/parse-save.js';
import { persistenceFindings, persistenceOf } from '../../../director/kernel/persistence-check.js';
import { EXPIRE_QUIESCENT_TEMPLATE, readSysctl, sysctlPath } from '../../../director/kernel/sysctl.js';
import { threeServerConfig } from '../../helpers/director-fixtures.js';
import { readFixture } from '../../helpers/paths.js';

const roots = mkdtempSync(join(tmpdir(), 'lvsf-persistence-'));
afterAll(() => rmSync(roots, { recursive: true, force: true }));
let n = 0;

/** A proc root whose expire_quiescent_template holds `value` (absent: the file does not exist, as without ip_vs). */
function procRoot(value?: string): string {
  const root = join(roots, `proc-${n++}`);
  const file = sysctlPath(root, EXPIRE_QUIESCENT_TEMPLATE);
  mkdirSync(join(file, '..'), { recursive: true });
  if (value !== undefined) writeFileSync(file, value);
  return root;
}

/** The kernel's table as `ipvsadm -Sn` prints it: the web service of threeServerConfig, with `options` after -s. */
const table = (options: string, weights: readonly number[] = [100, 100, 100]) =>
  parseSave([`-A -t 10.0.0.1:80 -s nq${options ? ` ${options}` : ''}`, ...weights.map((w, i) => `-a -t 10.0.0.1:80 -r 10.0.1.1${i + 1}:80 -m -w ${w}`)].join('\n'));

/** The findings for a service config, a table and a sysctl file; counts how often the sysctl was read. */
function findings(service: Record<string, unknown>, options: string, sysctl: string | undefined, weights?: readonly number[]) {
  const root = procRoot(sysctl);
  let reads = 0;
  const found = persistenceFindings(threeServerConfig(service).core.services, table(options, weights), () => {
    reads++;
    return readSysctl(root, EXPIRE_QUIESCENT_TEMPLATE);
  });
  return { found, reads };
}

describe('persistence of a service in the kernel table', () => {
  it('reads the timeout from the options ipvsadm -Sn prints, on a table captured from a real kernel', () => {
    const real = parseSave(readFixture('ipvs', 'real-save.txt'));
    expect(persistenceOf(real.services.get('tcp:10.0.0.1:443')!)).toBe(300);
    expect(persistenceOf(real.services.get('tcp:10.0.0.1:80')!)).toBeUndefined();
    expect(persistenceOf(table('-p 60 -M 255.255.255.0').services.get('tcp:10.0.0.1:80')!)).toBe(60);
  });
});

describe('the QUIESCE_PERSISTENT warning', () => {
  it('warns for a persistent service with the sysctl at 0 when the director may set weight 0 (minWeight 0, the default)', () => {
    const { found } = findings({}, '-p 60', '0\n');
    expect(found).toEqual([
      {
        code: 'QUIESCE_PERSISTENT',
        service: 'web',
        serviceId: 'tcp:10.0.0.1:80',
        timeoutS: 60,
        message:
          'web (tcp:10.0.0.1:80) is persistent (-p 60) and net.ipv4.vs.expire_quiescent_template is 0: a weight-0 server keeps getting its persistent clients for up to 60s after each one\'s last connection (the director may set weight 0: minWeight 0); fix: sysctl -w net.ipv4.vs.expire_quiescent_template=1 (or ipvs.expireQuiescentTemplate: true), or set minWeight ≥ 1',
      },
    ]);
  });

  it('does not warn when the sysctl is 1', () => {
    expect(findings({}, '-p 60', '1\n').found).toEqual([]);
  });

  it('does not warn for a service that is not persistent, and then does not even read the sysctl', () => {
    const { found, reads } = findings({}, '', '0\n');
    expect(found).toEqual([]);
    expect(reads).toBe(0);
  });

  it('does not warn when minWeight ≥ 1 and nothing else may quiesce, nor when the service is not in the table', () => {
    expect(findings({ minWeight: 1 }, '-p 60', '0\n')).toEqual({ found: [], reads: 0 });
    const root = procRoot('0\n');
    const elsewhere = persistenceFindings(threeServerConfig({ port: 81 }).core.services, table('-p 60'), () => readSysctl(root, EXPIRE_QUIESCENT_TEMPLATE));
    expect(elsewhere).toEqual([]);
  });

  it.each([
    ['stalePolicy quiesce', { minWeight: 1, stalePolicy: 'quiesce' }, 'the director may set weight 0: stalePolicy quiesce', ', or use stalePolicy configured or hold'],
    ['a sorry server', { minWeight: 1, sorryServers: [{ address: '10.0.1.99' }] }, 'the director may set weight 0: the sorry-server fallback', ''],
  ])('warns when minWeight ≥ 1 but %s may quiesce', (_what, service, why, alternative) => {
    const [f] = findings(service, '-p 60', '0\n').found;
    expect(f?.code).toBe('QUIESCE_PERSISTENT');
    expect(f?.message).toContain(`(${why}); fix: sysctl -w net.ipv4.vs.expire_quiescent_template=1 (or ipvs.expireQuiescentTemplate: true)${alternative}`);
    expect(f?.message.endsWith(`(or ipvs.expireQuiescentTemplate: true)${alternative}`)).toBe(true);
  });

  it('names every key to change when more than one path may quiesce', () => {
    const [f] = findings({ stalePolicy: 'quiesce' }, '-p 60', '0\n').found;
    expect(f?.message).toContain('(the director may set weight 0: minWeight 0, stalePolicy quiesce); fix: sysctl -w net.ipv4.vs.expire_quiescent_template=1 (or ipvs.expireQuiescentTemplate: true), or set minWeight ≥ 1 and use stalePolicy configured or hold');
  });

  it('warns when a server is at weight 0 now, even with minWeight ≥ 1 (someone else quiesced it)', () => {
    const [f] = findings({ minWeight: 1 }, '-p 300', '0\n', [100, 0, 100]).found;
    expect(f?.message).toContain('for up to 300s');
    expect(f?.message).toContain('(10.0.1.12:80 at weight 0 now); fix: sysctl -w net.ipv4.vs.expire_quiescent_template=1 (or ipvs.expireQuiescentTemplate: true)');
  });

  it('says it cannot tell when the sysctl cannot be read (no file, or not a number), and never throws', () => {
    for (const sysctl of [undefined, 'yes\n']) {
      const { found } = findings({}, '-p 60', sysctl);
      expect(found).toHaveLength(1);
      expect(found[0]?.code).toBe('SYSCTL_ACCESS');
      expect(found[0]?.message).toMatch(/^web \(tcp:10\.0\.0\.1:80\) is persistent \(-p 60\) \(the director may set weight 0: minWeight 0\), but \/.*\/sys\/net\/ipv4\/vs\/expire_quiescent_template: /);
      expect(found[0]?.message).toContain(': cannot tell whether a weight-0 server keeps getting its persistent clients for up to 60s; check sysctl net.ipv4.vs.expire_quiescent_template (1 drains them)');
    }
  });
});
