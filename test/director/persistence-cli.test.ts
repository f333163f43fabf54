// The persistence warning as an admin meets it: `director --check`, the running director's log and `lvs-feedback status`.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DirectorStatus } from '../../director/status-view.js';
import { jsonLines, LEVEL } from '../helpers/log-lines.js';
import { runCli, startCli, type RunningCli } from '../helpers/processes.js';

// This host's kernel has no IPVS, so ipvsadm is a script printing a persistent service in ipvsadm's own format, and the
// proc root is a folder; the real kernel's side is test/vm/neighbours.vm.test.ts.
const dir = mkdtempSync(join(tmpdir(), 'lvsf-persistence-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const SAVE = ['-A -t 10.0.0.1:80 -s nq -p 60', ...[11, 12, 13].map((h) => `-a -t 10.0.0.1:80 -r 10.0.1.${h}:80 -m -w 100`)].join('\n');
const listing = (columns: string, rows: string) =>
  [
    'IP Virtual Server version 1.2.1 (size=4096)',
    `Prot LocalAddress:Port ${columns}`,
    '  -> RemoteAddress:Port',
    `TCP  10.0.0.1:80 nq persistent 60`,
    ...[11, 12, 13].map((h) => `  -> 10.0.1.${h}:80 ${rows}`),
  ].join('\n');

/** A proc root with IPVS loaded (net/ip_vs) and the sysctl at `sysctl`, an ipvsadm stand-in, and a config using both. */
function setup(sysctl: string, top: Record<string, unknown> = {}, ipvsadmExit = 0) {
  const base = join(dir, `case-${n++}`);
  const proc = join(base, 'proc');
  mkdirSync(join(proc, 'net'), { recursive: true });
  writeFileSync(join(proc, 'net', 'ip_vs'), 'IP Virtual Server version 1.2.1 (size=4096)\n');
  const sysctlFile = join(proc, 'sys', 'net', 'ipv4', 'vs', 'expire_quiescent_template');
  mkdirSync(join(sysctlFile, '..'), { recursive: true });
  writeFileSync(sysctlFile, sysctl);
  writeFileSync(join(base, 'save.txt'), `${SAVE}\n`);
  writeFileSync(join(base, 'thresholds.txt'), `${listing('Uthreshold Lthreshold ActiveConn InActConn', '0 0 0 0')}\n`);
  writeFileSync(join(base, 'stats.txt'), `${listing('Conns InPkts OutPkts InBytes OutBytes', '0 0 0 0 0')}\n`);
  const ipvsadm = join(base, 'ipvsadm');
  writeFileSync(
    ipvsadm,
    [
      '#!/bin/sh',
      ipvsadmExit !== 0 ? `echo "Can't initialize ipvs: Permission denied (you must be root)" >&2; exit ${ipvsadmExit}` : '',
      'case "$*" in',
      `  "-Sn") cat "${base}/save.txt" ;;`,
      `  "-Ln --thresholds --exact") cat "${base}/thresholds.txt" ;;`,
      `  "-Ln --stats --exact") cat "${base}/stats.txt" ;;`,
      '  "-R") cat > /dev/null ;;',
      '  *) echo "unexpected: $*" >&2; exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(ipvsadm, 0o755);
  const config = join(base, 'director.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: { host: '127.0.0.1', port: 0 },
      status: { host: '127.0.0.1', port: 0 },
      controlInterval: '200ms',
      ipvsadm,
      procRoot: proc,
      agents: ['a1', 'a2', 'a3'].map((id) => ({ id, token: 'persistence-token-0123456789' })),
      services: [{ name: 'sticky', address: '10.0.0.1', port: 80, realServers: [11, 12, 13].map((h, i) => ({ address: `10.0.1.${h}`, agent: `a${i + 1}` })) }],
      ...top,
    }),
  );
  return { config, sysctlFile };
}

const WARNING =
  "sticky (tcp:10.0.0.1:80) is persistent (-p 60) and net.ipv4.vs.expire_quiescent_template is 0: a weight-0 server keeps getting its persistent clients for up to 60s after each one's last connection (the director may set weight 0: minWeight 0); fix: sysctl -w net.ipv4.vs.expire_quiescent_template=1 (or ipvs.expireQuiescentTemplate: true), or set minWeight ≥ 1";

describe('lvs-feedback director --check and persistence', () => {
  it('prints the warning after the ok line when the sysctl is 0, and still exits 0', async () => {
    const { config } = setup('0\n');
    const r = await runCli(['director', '--check', '--config', config]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${config}: ok — 1 service(s), 3 real server(s), 3 agent(s)\n${config}: warning: QUIESCE_PERSISTENT: ${WARNING}\n`);
  });

  it('prints no warning when the sysctl is 1, when the service cannot quiesce, or when the config will write 1 at start', async () => {
    const cases = [
      setup('1\n').config,
      setup('0\n', { defaults: { minWeight: 1 } }).config,
      setup('0\n', { ipvs: { expireQuiescentTemplate: true } }).config,
    ];
    for (const config of cases) {
      const r = await runCli(['director', '--check', '--config', config]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${config}: ok — 1 service(s), 3 real server(s), 3 agent(s)\n`);
    }
  });

  it('says the value the config writes is 0 when it is told false', async () => {
    const { config } = setup('1\n', { ipvs: { expireQuiescentTemplate: false } });
    const r = await runCli(['director', '--check', '--config', config]);
    expect(r.stdout).toContain('net.ipv4.vs.expire_quiescent_template is 0 (ipvs.expireQuiescentTemplate: false, written at start): a weight-0 server');
  });

  it('notes that persistence was not checked when ipvsadm cannot read the table, and still exits 0', async () => {
    const { config } = setup('0\n', {}, 3);
    const r = await runCli(['director', '--check', '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/: note: persistence not checked, the kernel's table cannot be read: IPVS_COMMAND: .*ipvsadm -Sn: exit 3: Can't initialize ipvs: Permission denied/);
  });
});

describe('a running director and persistence', () => {
  let director: RunningCli | undefined;
  afterEach(async () => {
    await director?.stop();
    director = undefined;
  });

  async function start(config: string): Promise<string> {
    director = startCli(['director', '--config', config]);
    const line = await director.waitForStderr(/"statusPort":\d+/);
    return `http://127.0.0.1:${/"statusPort":(\d+)/.exec(line)![1]}/status`;
  }
  const status = async (url: string) => (await (await fetch(url)).json()) as DirectorStatus;
  async function until(url: string, done: (s: DirectorStatus) => boolean): Promise<DirectorStatus> {
    const deadline = performance.now() + 15_000;
    for (;;) {
      const s = await status(url);
      if (done(s)) return s;
      if (performance.now() > deadline) throw new Error(`not reached; last status: ${JSON.stringify(s.warnings)}`);
      await delay(50);
    }
  }
  const warnings = () => jsonLines(director!.stderr().slice(0, director!.stderr().lastIndexOf('\n') + 1)).filter((l) => l.code === 'QUIESCE_PERSISTENT');

  it('warns once in the log, shows it in status while it holds, and clears both when the sysctl becomes 1', async () => {
    const { config, sysctlFile } = setup('0\n');
    const url = await start(config);
    const shown = await until(url, (s) => s.warnings.length > 0);
    expect(shown.warnings).toEqual([{ code: 'QUIESCE_PERSISTENT', service: 'sticky', message: WARNING }]);
    const rendered = await runCli(['status', '--url', url]);
    expect(rendered.stdout.split('\n')[1]).toBe(`WARNING QUIESCE_PERSISTENT: ${WARNING}`);
    // Several decisions later (one per 200 ms), still one line in the log.
    const decisions = (await status(url)).uptimeS;
    await until(url, (s) => s.uptimeS >= decisions + 1);
    expect(warnings().map((l) => [l.level, l.msg])).toEqual([[LEVEL.warn, WARNING]]);
    writeFileSync(sysctlFile, '1\n');
    await until(url, (s) => s.warnings.length === 0);
    await director!.waitForStderr(/"msg":"sticky: persistence warning cleared \(QUIESCE_PERSISTENT no longer applies\)"/);
    expect(warnings()).toHaveLength(1);
  });

  it('with ipvs.expireQuiescentTemplate: true, writes 1 at start, logs 0 → 1, and has nothing to warn of', async () => {
    const { config, sysctlFile } = setup('0\n', { ipvs: { expireQuiescentTemplate: true } });
    const url = await start(config);
    expect(readFileSync(sysctlFile, 'utf8')).toBe('1\n');
    expect(director!.stderr()).toContain('"msg":"net.ipv4.vs.expire_quiescent_template 0 → 1 (ipvs.expireQuiescentTemplate: true)"');
    const s = await until(url, (st) => st.services[0]!.dests.length === 3);
    expect(s.warnings).toEqual([]);
    expect(warnings()).toEqual([]);
  });
});
