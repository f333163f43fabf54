// Writes the kernel refuses: no change is told as made unless the table holds it, and the failure is said once.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Controller } from '../../director/controller.js';
import { IpvsadmDriver } from '../../director/kernel/ipvs/ipvsadm-driver.js';
import { KernelTable } from '../../director/kernel/kernel-table.js';
import { report, threeServerConfig } from '../helpers/director-fixtures.js';
import { LEVEL, memoryLogger } from '../helpers/log-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'lvsf-write-failures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * An ipvsadm in the kernel's place (this host has no IPVS): it lists a table kept in files, in ipvsadm 1.31's format,
 * and applies -R edits to it only while `accept` exists; otherwise it answers as ipvsadm does when the kernel refuses
 * (EPERM) and changes nothing.
 */
function standIn(): string {
  writeFileSync(join(dir, 'save.txt'), ['-A -t 10.0.0.1:80 -s wlc', ...[11, 12, 13].map((h) => `-a -t 10.0.0.1:80 -r 10.0.1.${h}:80 -m -w 100`), ''].join('\n'));
  const head = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port';
  writeFileSync(join(dir, 'thresholds.txt'), `${head}            Uthreshold Lthreshold ActiveConn InActConn \n  -> RemoteAddress:Port\nTCP  10.0.0.1:80 wlc\n${[11, 12, 13].map((h) => `  -> 10.0.1.${h}:80                 0          0          0          0         `).join('\n')}\n`);
  writeFileSync(join(dir, 'stats.txt'), `${head}               Conns   InPkts  OutPkts  InBytes OutBytes\n  -> RemoteAddress:Port\nTCP  10.0.0.1:80                         0        0        0        0        0\n${[11, 12, 13].map((h) => `  -> 10.0.1.${h}:80                        0        0        0        0        0`).join('\n')}\n`);
  const script = join(dir, 'ipvsadm');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `D="${dir}"`,
      'case "$*" in',
      '  "-Sn") cat "$D/save.txt" ;;',
      '  "-Ln --thresholds --exact") cat "$D/thresholds.txt" ;;',
      '  "-Ln --stats --exact") cat "$D/stats.txt" ;;',
      '  "-R")',
      '    if [ ! -e "$D/accept" ]; then cat >/dev/null; echo "Permission denied (you must be root)" >&2; exit 1; fi',
      '    while read -r op t vip r rs m w weight rest; do',
      '      sed -i "s|^-a -t $vip -r $rs -m -w [0-9]*\\$|-a -t $vip -r $rs -m -w $weight|" "$D/save.txt"',
      '    done ;;',
      '  *) echo "unexpected: $*" >&2; exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return script;
}

describe('writes that do not land', () => {
  it('tells no change as made while the kernel refuses it, says the failure once, and the change when it lands', async () => {
    const { log, lines } = memoryLogger('info');
    const config = threeServerConfig({ mode: 'expression', expression: 'cpu_idle_pct', damping: { maxStep: 100, minInterval: 0 } }, { smoothing: { timeConstant: 0 } });
    let t = 1_000_000;
    const controller = new Controller(config, new KernelTable(config, new IpvsadmDriver({ binary: standIn(), log })), log, () => t);
    for (const a of ['a1', 'a2', 'a3']) controller.onHello(a, { hostname: a, cores: 2 });
    const tick = async (n: number) => {
      for (let i = 0; i < n; i++) {
        t += 2_000;
        for (const a of ['a1', 'a2', 'a3']) controller.onReport(a, report(a, t, { cpu_idle_pct: a === 'a1' ? 40 : 100 }).report, t);
        await controller.tick();
      }
    };
    // Past the blackout, then ten decisions that each want a1 at 40 and each fail.
    await tick(20);
    const decided = (to: number) => lines.filter((l) => /web\/10\.0\.1\.11:80 weight \d+ → \d+/.test(l.msg) && l.to === to);
    expect(decided(40)).toEqual([]);
    const failures = lines.filter((l) => l.level === LEVEL.error && /did not reach the table/.test(l.msg));
    expect(failures.map((l) => l.msg)).toHaveLength(1);
    expect(failures[0]!.msg).toContain('Permission denied (you must be root)');
    expect(failures[0]!.failed).toEqual([{ dest: 'web/10.0.1.11:80', from: 100, to: 40 }]);
    expect(controller.snapshot().lastWriteError).toContain('Permission denied');

    writeFileSync(join(dir, 'accept'), '');
    await tick(2);
    expect(decided(40).map((l) => l.from)).toEqual([100]);
    expect(lines.filter((l) => /writing the table works again/.test(l.msg))).toHaveLength(1);
    expect(controller.snapshot().lastWriteError).toBeUndefined();
  }, 30_000);
});
