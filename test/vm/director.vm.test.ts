import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInGuest, type GuestResult } from './guest.js';

// The director on a real IPVS kernel: a real director process, three real servers in network namespaces, each with a
// real HTTP server and a real agent, a client sending real HTTP requests to the VIP (LVS-NAT), and keepalived
// health-checking the same virtual service. The guest records what it saw; these tests judge it.
type Table = Record<string, { weight: number; method: string; upper: number; lower: number; inactive?: number }>;
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
  run = await runInGuest('export REPO_DIR=$(pwd)\nsource test/vm/scenarios/director-in-kernel.sh', { timeoutMs: 420_000 });
  r = JSON.parse(readFileSync(join(run.shareDir, 'results.json'), 'utf8')) as Results;
  console.log(`director scenario: ${Math.round(run.wallMs / 1000)} s in the guest; phases: ${Object.entries(r.phases).map(([k, v]) => `${k} ${Math.round(Number(v.ms) / 1000)} s`).join(', ')}`);
}, 440_000);

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
    const t = phase('weights-land').table as Table;
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
    const t = p.table as Table;
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
    const samples = p.samples as { t: number; table: Table }[];
    expect(samples.at(-1)!.t - samples[0]!.t).toBeGreaterThanOrEqual(28_000);
    for (const s of samples) {
      expect(s.table[RS2]).toBeUndefined();
      expect(s.table[RS1]).toBeDefined();
      expect(s.table[RS3]).toMatchObject({ upper: 80, lower: 60 });
    }
    expect((p.rs2Status as { present: boolean; reason: string }).present).toBe(false);
    expect(r.keepalivedLog.some((l) => /Removing service \[10\.0\.1\.12\]:tcp:80/.test(l))).toBe(true);
    expect(r.keepalivedLog.filter((l) => /Adding service \[10\.0\.1\.12\]/.test(l))).toHaveLength(1);
  });

  it('slow-starts a server keepalived brings back, instead of letting wlc stampede it', () => {
    const p = phase('keepalived-restores-a-server');
    expect((p.addedWith as { weight: number }).weight).toBe(100);
    const series = (p.series as number[]).filter((w, i, all) => i === 0 || w !== all[i - 1]);
    const low = series.indexOf(10);
    expect(low).toBeGreaterThanOrEqual(0);
    for (let i = low + 1; i < series.length; i++) expect(series[i]!).toBeGreaterThan(series[i - 1]!);
  });

  it('keeps the weights when the director is killed with SIGKILL, and moves no faster than damping allows after a restart', () => {
    const p = phase('sigkill-and-restart');
    expect(p.afterKill).toEqual(p.before);
    const series = p.series as Record<string, number>[];
    for (let i = 1; i < series.length; i++) {
      for (const id of [RS1, RS2, RS3]) expect(Math.abs(series[i]![id]! - series[i - 1]![id]!)).toBeLessThanOrEqual(25);
    }
    expect(series.at(-1)![RS1]).toBe(50);
    expect(series.at(-1)![SORRY]).toBeUndefined();
  });
});
