// ipvs.expireQuiescentTemplate: the director writes the sysctl only when told to, logs from → to, and survives failure.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSave } from '../../../director/kernel/ipvs/parse-save.js';
import { TableWarningsWatch } from '../../../director/kernel/table-warnings-watch.js';
import { EXPIRE_QUIESCENT_TEMPLATE, sysctlPath } from '../../../director/kernel/sysctl.js';
import { TemplateSetting } from '../../../director/kernel/template-setting.js';
import { threeServerConfig } from '../../helpers/director-fixtures.js';
import { LEVEL, memoryLogger } from '../../helpers/log-lines.js';

const roots = mkdtempSync(join(tmpdir(), 'lvsf-template-'));
afterAll(() => rmSync(roots, { recursive: true, force: true }));
let n = 0;

/** A proc root, with the sysctl's folder and file only when `value` is given (as while ip_vs is loaded). */
function procRoot(value?: string): { root: string; file: string } {
  const root = join(roots, `proc-${n++}`);
  const file = sysctlPath(root, EXPIRE_QUIESCENT_TEMPLATE);
  if (value !== undefined) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, value);
  }
  return { root, file };
}

describe('writing net.ipv4.vs.expire_quiescent_template at start', () => {
  it('writes the configured value and logs from → to', () => {
    const { root, file } = procRoot('0\n');
    const { log, lines } = memoryLogger('info');
    const setting = new TemplateSetting(root, true, log, false);
    setting.apply();
    expect(readFileSync(file, 'utf8')).toBe('1\n');
    expect(setting.settled).toBe(true);
    expect(lines.map((l) => [l.level, l.msg, l.from, l.to])).toEqual([[LEVEL.info, 'net.ipv4.vs.expire_quiescent_template 0 → 1 (ipvs.expireQuiescentTemplate: true)', '0', 1]]);
    setting.apply();
    expect(lines).toHaveLength(1);
  });

  it('writes 0 when told false, and says when the value was already there', () => {
    const off = procRoot('1\n');
    const { log, lines } = memoryLogger('info');
    new TemplateSetting(off.root, false, log, false).apply();
    expect(readFileSync(off.file, 'utf8')).toBe('0\n');
    const same = procRoot('0\n');
    new TemplateSetting(same.root, false, log, false).apply();
    expect(lines.map((l) => l.msg)).toEqual([
      'net.ipv4.vs.expire_quiescent_template 1 → 0 (ipvs.expireQuiescentTemplate: false)',
      'net.ipv4.vs.expire_quiescent_template 0 → 0, as it was (ipvs.expireQuiescentTemplate: false)',
    ]);
  });

  it('touches nothing and says nothing when the key is unset', () => {
    const { root, file } = procRoot('0\n');
    const { log, lines } = memoryLogger('debug');
    const setting = new TemplateSetting(root, null, log, false);
    setting.apply();
    expect(setting.settled).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('0\n');
    expect(lines).toEqual([]);
  });

  it('writes nothing in a dry run, and says what it would write', () => {
    const { root, file } = procRoot('0\n');
    const { log, lines } = memoryLogger('info');
    new TemplateSetting(root, true, log, true).apply();
    expect(readFileSync(file, 'utf8')).toBe('0\n');
    expect(lines.map((l) => l.msg)).toEqual(['dry run, would set net.ipv4.vs.expire_quiescent_template 0 → 1 (ipvs.expireQuiescentTemplate: true)']);
  });

  it('without the sysctl (ip_vs not loaded yet): logs SYSCTL_ACCESS once, never creates the file, and writes once it exists', () => {
    const { root, file } = procRoot();
    const { log, lines } = memoryLogger('info');
    const setting = new TemplateSetting(root, true, log, false);
    expect(() => {
      setting.apply();
      setting.apply();
    }).not.toThrow();
    expect(setting.settled).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: LEVEL.error, code: 'SYSCTL_ACCESS' });
    expect(lines[0]?.msg).toMatch(/^cannot set net\.ipv4\.vs\.expire_quiescent_template to 1 \(ipvs\.expireQuiescentTemplate: true\): SYSCTL_ACCESS: .*expire_quiescent_template: cannot write 1: ENOENT.*; trying again after each table read$/);
    // The folder appears (ip_vs loaded) without the file: still no file is made up.
    mkdirSync(join(file, '..'), { recursive: true });
    setting.apply();
    expect(() => readFileSync(file, 'utf8')).toThrow(/ENOENT/);
    writeFileSync(file, '0\n');
    setting.apply();
    expect(setting.settled).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('1\n');
    expect(lines.at(-1)?.msg).toBe('net.ipv4.vs.expire_quiescent_template 0 → 1 (ipvs.expireQuiescentTemplate: true)');
  });
});

describe('the running director’s persistence warning in the log', () => {
  it('is said once while it holds, once when it clears, and again when it comes back', () => {
    const { root, file } = procRoot('0\n');
    const { log, lines } = memoryLogger('info');
    const watch = new TableWarningsWatch(threeServerConfig().core.services, root, log);
    const sticky = parseSave('-A -t 10.0.0.1:80 -s nq -p 60\n-a -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 100\n');
    for (let i = 0; i < 5; i++) watch.update(sticky);
    expect(watch.current().map((f) => f.code)).toEqual(['QUIESCE_PERSISTENT']);
    writeFileSync(file, '1\n');
    watch.update(sticky);
    watch.update(sticky);
    expect(watch.current()).toEqual([]);
    writeFileSync(file, '0\n');
    watch.update(sticky);
    const warning = watch.current()[0]?.message;
    expect(warning).toMatch(/^web \(tcp:10\.0\.0\.1:80\) is persistent \(-p 60\) and net\.ipv4\.vs\.expire_quiescent_template is 0: /);
    expect(lines.map((l) => [l.level, l.code, l.msg])).toEqual([
      [LEVEL.warn, 'QUIESCE_PERSISTENT', warning],
      [LEVEL.info, undefined, 'web: persistence warning cleared (QUIESCE_PERSISTENT no longer applies)'],
      [LEVEL.warn, 'QUIESCE_PERSISTENT', warning],
    ]);
  });
});
