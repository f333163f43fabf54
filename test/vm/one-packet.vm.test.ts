import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInGuest } from './guest.js';

// One-packet scheduling (-o) on a real kernel: 250 syslog datagrams sent one after another to a UDP service with
// weights 300/100/100, under wlc, nq, sed and wrr. No entry outlives its datagram, so the connection-counting schedulers
// see every server idle at every pick: what lvs-feedback's ONE_PACKET_SCHEDULER warning and its scheduler advice say.
// Read from the raw `ipvsadm -Ln --stats --exact` text with this test's own regexes.
/** Scheduler → its service's port (the guest script's order). */
const PORT: Record<string, number> = { wlc: 514, nq: 515, sed: 516, wrr: 517 };

let save: string;
/** What `director --check` printed for a config naming the wlc and the wrr service. */
let check: string;
/** Port → destination address → Conns. */
let conns: Record<number, Record<string, number>>;
const at = (s: string) => ['10.0.1.11', '10.0.1.12', '10.0.1.13'].map((a) => conns[PORT[s]!]?.[`${a}:${PORT[s]}`]);

beforeAll(async () => {
  const tree = process.env.LVSF_VM_TREE ?? '$(pwd)';
  const run = await runInGuest(`export REPO_DIR=${tree}\nsource test/vm/scenarios/one-packet.sh`, { timeoutMs: 180_000 });
  expect(run.output, run.output.slice(-2000)).toContain('one-packet scenario done');
  const text = readFileSync(join(run.shareDir, 'one-packet.txt'), 'utf8');
  check = readFileSync(join(run.shareDir, 'check.txt'), 'utf8');
  save = text.split('\n').filter((l) => l.startsWith('-A ')).join('\n');
  conns = {};
  let port: number | undefined;
  for (const line of text.split('\n')) {
    const svc = /^(TCP|UDP) {2}10\.0\.0\.1:(\d+) +\d+/.exec(line);
    if (svc) port = svc[1] === 'UDP' ? Number(svc[2]) : undefined;
    const d = /^ {2}-> (\S+) +(\d+) +\d+ +\d+ +\d+ +\d+ *$/.exec(line);
    if (d && port !== undefined) (conns[port] ??= {})[d[1]!] = Number(d[2]);
  }
  console.log(`one-packet scenario: ${Math.round(run.wallMs / 1000)} s in the guest; Conns per server (.11/.12/.13): ${Object.keys(PORT).map((s) => `${s} ${at(s).join('/')}`).join(', ')}`);
}, 200_000);

const total = (s: string) => at(s).reduce((a: number, b) => a + (b ?? 0), 0);

describe('one-packet scheduling on a real kernel', () => {
  it('is shown as -o by ipvsadm -Sn, the form the director parses', () => {
    for (const [s, port] of Object.entries(PORT)) expect(save).toMatch(new RegExp(`^-A -u 10\\.0\\.0\\.1:${port} -s ${s} .*-o`, 'm'));
  });

  it('counts every datagram as a connection (Conns), each scheduled on its own', () => {
    for (const s of Object.keys(PORT)) expect(total(s), s).toBe(250);
  });

  it('sends them all to one server under wlc, nq and sed: with no entry left, every server looks idle', () => {
    // wlc and nq keep the first in the kernel's list, which is the last added (.13, weight 100); sed the heaviest (.11).
    for (const s of ['wlc', 'nq']) expect(at(s), s).toEqual([0, 0, 250]);
    expect(at('sed')).toEqual([250, 0, 0]);
  });

  it('spreads them by weight under wrr', () => {
    // wrr's rounds are exact: 300:100:100 of 250 is 150/50/50.
    expect(at('wrr')).toEqual([150, 50, 50]);
  });

  it('is what director --check warns of, with the fix, for the wlc service and not for the wrr one', () => {
    const warnings = check.split('\n').filter((l) => l.includes('warning: ONE_PACKET_SCHEDULER'));
    expect(warnings, check).toHaveLength(1);
    expect(warnings[0]).toContain('syslog_wlc (udp:10.0.0.1:514) schedules every datagram on its own (-o) under wlc');
    expect(warnings[0]).toContain('fix: ipvsadm -E -u 10.0.0.1:514 -s wrr -o');
    // A warning, not a failure: the config is good.
    expect(check).toContain('check exit 0');
  });
});
