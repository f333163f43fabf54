import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInGuest, type GuestResult } from './guest.js';
import { readTable } from './raw-ipvs.mjs';

// The director on a real IPVS kernel: a real director process, three real servers in network namespaces, each with a
// real HTTP server and a real agent, a client sending real HTTP requests to the VIP (LVS-NAT), and keepalived
// health-checking the same virtual service. The guest records what it saw; these tests judge it, reading the kernel's
// table from raw ipvsadm text with the test's own regexes (raw-ipvs.mjs), never through the director's parsers.
type Table = Record<string, { weight: number; method: string; upper: number; lower: number; inactive: number }>;
interface Raw {
  save: string;
  thresholds: string;
}
interface Stopped {
  code: number | null;
  signal: string | null;
  log: string[];
}
/** The web service's destinations in a raw snapshot (-Sn and --thresholds text). */
const web = (raw: unknown): Table => readTable((raw as Raw).save, (raw as Raw).thresholds)['-t 10.0.0.1:80']?.dests ?? {};
/** What the director sets per destination, without the connection counters. */
const settings = (t: Table) => Object.fromEntries(Object.entries(t).map(([id, d]) => [id, { method: d.method, weight: d.weight, upper: d.upper, lower: d.lower }]));
interface Results {
  phases: Record<string, Record<string, unknown>>;
  errors: string[];
  directorLog: string[];
  keepalivedLog: string[];
}
let run: GuestResult;
let r: Results;
const RS1 = '10.0.1.11:80';
const RS2 = '10.0.1.12:80';
const RS3 = '10.0.1.13:80';
const SORRY = '10.0.1.99:80';

beforeAll(async () => {
  // LVSF_VM_TREE: a folder with another build (package.json, dist/, demo/, node_modules, test/) for the guest to run.
  const tree = process.env.LVSF_VM_TREE ?? '$(pwd)';
  run = await runInGuest(`export REPO_DIR=${tree}\nsource test/vm/scenarios/director-in-kernel.sh`, { timeoutMs: 600_000 });
  r = JSON.parse(readFileSync(join(run.shareDir, 'results.json'), 'utf8')) as Results;
  console.log(`director scenario: ${Math.round(run.wallMs / 1000)} s in the guest; phases: ${Object.entries(r.phases).map(([k, v]) => `${k} ${Math.round(Number(v.ms) / 1000)} s`).join(', ')}`);
}, 620_000);

const phase = (name: string) => {
  const p = r.phases[name];
  expect(p, `phase ${name} missing; errors: ${r.errors.join('; ')}`).toBeDefined();
  expect(p!.failed, String(p!.failed)).toBeUndefined();
  return p!;
};

describe('the director on a real IPVS kernel', () => {
  it('runs every phase without error', () => {
    expect(run.exitCode, run.output.slice(-3000)).toBe(0);
    expect(r.errors).toEqual([]);
  });

  it('writes thresholds as -x/-y and keeps the forwarding method', () => {
    const t = web(phase('weights-land').raw);
    expect(t[RS3]).toMatchObject({ method: 'masq', upper: 80, lower: 60 });
    expect(Object.values(t).every((d) => d.method === 'masq')).toBe(true);
  });

  it('lowers a loaded server’s weight step by step in the kernel, and its share of new connections falls', () => {
    const p = phase('load-one-server');
    const series = p.rs2Series as number[];
    expect(series[0]).toBe(100);
    expect(series.at(-1)).toBeGreaterThanOrEqual(40);
    expect(series.at(-1)).toBeLessThanOrEqual(42);
    expect(series.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < series.length; i++) expect(series[i - 1]! - series[i]!).toBeLessThanOrEqual(25);
    const before = p.before as Record<string, number>;
    const after = p.after as Record<string, number>;
    expect(before.rs2).toBeGreaterThanOrEqual(40); // about a third of 150 at equal weights
    expect(after.rs2 ?? 0).toBeLessThan(before.rs2!);
    expect((after.rs2 ?? 0) / 150).toBeLessThan(0.25);
  });

  it('gives an overloaded destination (at -x) no new connections', () => {
    const p = phase('load-one-server');
    const t = web(p.raw);
    // rs3's active+inactive entries reached its upper threshold of 80 and stopped there (the kernel binds one more
    // connection before it marks a destination overloaded), while the others kept taking connections.
    expect(t[RS3]!.inactive).toBeGreaterThanOrEqual(79);
    expect(t[RS3]!.inactive).toBeLessThanOrEqual(81);
    expect(t[RS1]!.inactive).toBeGreaterThan(100);
    const total = Object.values(p.before as Record<string, number>).reduce((a, b) => a + b, 0) + Object.values(p.after as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBe(300);
  });

  it('adds the sorry server when every real server is overloaded, it answers the client, and it leaves after recovery', () => {
    const p = phase('sorry-server');
    expect(p.answers).toEqual({ sorry: 20 });
    // recoverAfter is 5 s: the sorry server must not leave sooner, and leaves within a few decisions after.
    expect(p.sorryOutAfterMs as number).toBeGreaterThanOrEqual(5_000);
    expect(p.sorryOutAfterMs as number).toBeLessThan(20_000);
    const answers = p.afterRecovery as Record<string, number>;
    expect(answers.sorry ?? 0).toBe(0);
    expect(Object.values(answers).reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('does not re-add a server keepalived removed, and over 30 s neither side undoes the other', () => {
    const p = phase('keepalived-removes-a-server');
    const samples = p.samples as { t: number; raw: Raw }[];
    expect(samples.at(-1)!.t - samples[0]!.t).toBeGreaterThanOrEqual(28_000);
    for (const s of samples) {
      const t = web(s.raw);
      expect(t[RS2]).toBeUndefined();
      expect(t[RS1]).toBeDefined();
      expect(t[RS3]).toMatchObject({ upper: 80, lower: 60 });
    }
    expect((p.rs2Status as { present: boolean; reason: string }).present).toBe(false);
    expect(r.keepalivedLog.some((l) => /Removing service \[10\.0\.1\.12\]:tcp:80/.test(l))).toBe(true);
    expect(r.keepalivedLog.filter((l) => /Adding service \[10\.0\.1\.12\]/.test(l))).toHaveLength(1);
  });

  it('slow-starts a server keepalived brings back, instead of letting wlc stampede it', () => {
    const p = phase('keepalived-restores-a-server');
    // keepalived adds it at 100; the director may cut it to 10 before the first look at the table sees it.
    expect([100, 10]).toContain((p.addedWith as { weight: number }).weight);
    expect(r.directorLog.some((l) => /10\.0\.1\.12:80 weight 100 → 10 .*slow start/.test(l))).toBe(true);
    const series = (p.series as number[]).filter((w, i, all) => i === 0 || w !== all[i - 1]);
    const low = series.indexOf(10);
    expect(low).toBeGreaterThanOrEqual(0);
    for (let i = low + 1; i < series.length; i++) expect(series[i]!).toBeGreaterThan(series[i - 1]!);
  });

  it('after SIGKILL, a restarted director starts from the weights in the kernel and moves from there no faster than damping allows', () => {
    const p = phase('sigkill-and-restart');
    expect((p.killed as Stopped).signal).toBe('SIGKILL');
    const series = p.series as Record<string, number>[];
    // The kernel as the killed director left it (rs1 near 50, away from its configured 100), then every write after.
    expect(series[0]![RS1]).toBeGreaterThanOrEqual(45);
    expect(series[0]![RS1]).toBeLessThanOrEqual(55);
    for (let i = 1; i < series.length; i++) {
      for (const id of [RS1, RS2, RS3]) expect(Math.abs(series[i]![id]! - series[i - 1]![id]!)).toBeLessThanOrEqual(25);
      expect(series[i]![RS1]!).toBeGreaterThan(series[i - 1]![RS1]!);
    }
    expect(series.some((w) => w[RS1]! > series[0]![RS1]! && w[RS1]! < 100)).toBe(true);
    expect(series.at(-1)![RS1]).toBe(100);
    expect(series.at(-1)![SORRY]).toBeUndefined();
  });

  it('stopped with SIGTERM (onExit leave, the default), exits cleanly and leaves the weights it set in the kernel', () => {
    const p = phase('sigterm-leave');
    const stopped = p.stopped as Stopped;
    expect(stopped.code, stopped.log.join('\n')).toBe(0);
    expect(stopped.log.some((l) => l.includes('left the table as it is on exit'))).toBe(true);
    const before = web(p.before);
    expect(before[RS1]!.weight).toBeLessThanOrEqual(55);
    expect(settings(web(p.after))).toEqual(settings(before));
  });

  it('stopped with SIGTERM under onExit restore, writes the configured weights back into the kernel before it exits', () => {
    const p = phase('sigterm-restore');
    const stopped = p.stopped as Stopped;
    expect(stopped.code, stopped.log.join('\n')).toBe(0);
    expect(stopped.log.some((l) => l.includes('restored configured weights on exit'))).toBe(true);
    expect(web(p.before)[RS1]!.weight).toBeLessThanOrEqual(55);
    expect(settings(web(p.after))).toEqual({
      [RS1]: { method: 'masq', weight: 100, upper: 0, lower: 0 },
      [RS2]: { method: 'masq', weight: 100, upper: 0, lower: 0 },
      [RS3]: { method: 'masq', weight: 100, upper: 80, lower: 60 },
    });
  });
});
