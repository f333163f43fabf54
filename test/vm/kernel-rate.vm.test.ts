import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInGuest, type GuestResult } from './guest.js';

// The rate the director derives from the kernel, on a real kernel: a real director reads the real IPVS table while a
// paced client sends 20 new connections a second for 10 s through a round-robin NAT service to three real HTTP
// servers. Judged against what the client really sent and against the kernel's Conns counter, both read here from raw
// `ipvsadm -Ln --stats --exact` text with the test's own regexes, never through the director's parsers.
const RS = ['10.0.1.11:80', '10.0.1.12:80', '10.0.1.13:80'];
const NAME: Record<string, string> = { rs1: RS[0]!, rs2: RS[1]!, rs3: RS[2]! };

interface Listing {
  at: number;
  text: string;
}
interface Decision {
  at: number;
  rates: Record<string, number>;
  /** The kernel's own estimate, `ipvsadm -Ln --rate --exact`, read right after the decision showed. */
  cps: Listing;
}
interface Traffic {
  before: Listing;
  after: Listing;
  client: { rate: number; seconds: number; startAt: number; lateMs: number; counts: Record<string, number>; launches: [number, string][] };
  decisions: Decision[];
  stoppedAt: number;
}
interface Results {
  phases: Record<string, Record<string, unknown>>;
  errors: string[];
  directorLog: string[];
}

const DEST = /^ {2}-> (\S+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) *$/;
const SERVICE = /^(TCP|UDP|SCTP|FWM) {2}(\S+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) *$/;
/**
 * The first counter column of the web service's destinations in a raw `ipvsadm -Ln --stats --exact` (Conns) or
 * `--rate --exact` (CPS) listing, after checking that the header names that column first.
 */
function firstColumn(text: string, column: 'Conns' | 'CPS'): Record<string, number> {
  const lines = text.split('\n').filter((l) => l !== '');
  expect(lines[0]).toMatch(/^IP Virtual Server version \S+ \(size=\d+\)$/);
  expect(lines[1]).toMatch(new RegExp(`^Prot LocalAddress:Port +${column} +\\S+ +\\S+ +\\S+ +\\S+ *$`));
  expect(lines[2]).toMatch(/^ {2}-> RemoteAddress:Port *$/);
  const out: Record<string, number> = {};
  let web = false;
  for (const line of lines.slice(3)) {
    const s = SERVICE.exec(line);
    if (s) {
      web = s[1] === 'TCP' && s[2] === '10.0.0.1:80';
      continue;
    }
    const d = DEST.exec(line);
    if (!d) throw new Error(`unexpected line: ${line}`);
    if (web) out[d[1]!] = Number(d[2]);
  }
  return out;
}

let run: GuestResult;
let r: Results;
let t: Traffic;

beforeAll(async () => {
  const tree = process.env.LVSF_VM_TREE ?? '$(pwd)';
  run = await runInGuest(`export REPO_DIR=${tree}\nsource test/vm/scenarios/kernel-rate.sh`, { timeoutMs: 240_000 });
  r = JSON.parse(readFileSync(join(run.shareDir, 'results.json'), 'utf8')) as Results;
  t = r.phases['paced-traffic'] as unknown as Traffic;
  console.log(`kernel-rate scenario: ${Math.round(run.wallMs / 1000)} s in the guest; phases: ${Object.entries(r.phases).map(([k, v]) => `${k} ${Math.round(Number(v.ms) / 1000)} s`).join(', ')}`);
}, 250_000);

/** Launches to each destination within [from, to] (guest wall-clock ms), per second. */
function sentRate(from: number, to: number): Record<string, number> {
  const n = Object.fromEntries(RS.map((id) => [id, 0]));
  for (const [at, who] of t.client.launches) if (at >= from && at <= to && NAME[who]) n[NAME[who]!]!++;
  return Object.fromEntries(RS.map((id) => [id, (n[id]! * 1000) / (to - from)]));
}

describe('the connection rate the director derives from the kernel’s Conns counter', () => {
  it('runs without error', () => {
    expect(run.exitCode, run.output.slice(-3000)).toBe(0);
    expect(r.errors, r.directorLog.join('\n')).toEqual([]);
  });

  it('the kernel counted exactly the connections the client made, per real server', () => {
    // The last listing is read once the director has seen the counter quiet: the kernel refreshes the Conns that
    // ipvsadm shows at each run of its estimator (every 2 s), so a listing right after the last connection may lack it.
    const before = firstColumn(t.before.text, 'Conns');
    const after = firstColumn(t.after.text, 'Conns');
    const delta = Object.fromEntries(RS.map((id) => [id, after[id]! - before[id]!]));
    const answered = Object.fromEntries(Object.entries(t.client.counts).map(([who, n]) => [NAME[who] ?? who, n]));
    console.log(`sent ${t.client.launches.length} connections in ${((t.client.launches.at(-1)![0] - t.client.launches[0]![0]) / 1000).toFixed(2)} s (latest launch ${t.client.lateMs} ms behind schedule); answered ${JSON.stringify(t.client.counts)}; Conns delta ${JSON.stringify(delta)}`);
    expect(t.client.launches).toHaveLength(t.client.rate * t.client.seconds);
    expect(answered).toEqual(delta);
    expect(Object.values(delta).reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('derives each real server’s rate within 20 % of the rate the client sent it (the three together within 10 %)', () => {
    const first = t.client.launches[0]![0];
    const last = t.client.launches.at(-1)![0];
    // Decisions seen from 4 s after the first launch to the last: two intervals of full traffic behind each, so the
    // smoothed rate (τ 1 s) has forgotten the idle table before.
    const steady = t.decisions.filter((d) => d.at >= first + 4_000 && d.at <= last + 300);
    expect(steady.length, JSON.stringify(t.decisions.map((d) => [d.at - first, d.rates]))).toBeGreaterThanOrEqual(2);
    const mean = (id: string) => steady.reduce((a, d) => a + d.rates[id]!, 0) / steady.length;
    const sent = sentRate(first, last);
    const atLast = steady.at(-1)!;
    const cps = firstColumn(atLast.cps.text, 'CPS');
    for (const d of steady) {
      console.log(`  at ${((d.at - first) / 1000).toFixed(1)} s: director ${RS.map((id) => d.rates[id]).join(' / ')} per s; kernel's --rate CPS ${RS.map((id) => firstColumn(d.cps.text, 'CPS')[id]).join(' / ')}`);
    }
    console.log(`sent ${RS.map((id) => sent[id]!.toFixed(2)).join(' / ')} per s; director (mean of ${steady.length} decisions) ${RS.map((id) => mean(id).toFixed(2)).join(' / ')}; kernel's CPS at the last ${RS.map((id) => cps[id]).join(' / ')}`);
    for (const id of RS) {
      expect(mean(id), id).toBeGreaterThan(sent[id]! * 0.8);
      expect(mean(id), id).toBeLessThan(sent[id]! * 1.2);
    }
    const total = RS.reduce((a, id) => a + mean(id), 0);
    expect(total).toBeGreaterThan(t.client.rate * 0.9);
    expect(total).toBeLessThan(t.client.rate * 1.1);
  });

  it('falls to 0 within a few decisions once the traffic stops', () => {
    const last = t.client.launches.at(-1)![0];
    const zero = t.decisions.find((d) => d.at > last && RS.every((id) => d.rates[id]! < 0.5))!;
    expect(zero).toBeDefined();
    console.log(`below 0.5/s ${((zero.at - last) / 1000).toFixed(1)} s after the last launch: director ${RS.map((id) => zero.rates[id]).join(' / ')}; kernel's CPS then ${RS.map((id) => firstColumn(zero.cps.text, 'CPS')[id]).join(' / ')}`);
    expect(zero.at - last).toBeLessThan(10_000);
  });
});
