// Real-kernel proof of the director beside its neighbours: fwmark/DR destinations at port 0, and persistence with quiescing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInGuest, type GuestResult } from './guest.js';
import { readSave, readTable } from './raw-ipvs.mjs';

// The director beside its neighbours on a real IPVS kernel: a fwmark service (nftables marks, DR destinations added
// without ports) and a plain NAT service on the same real servers, and a persistent NAT service whose server the
// director quiesces, with net.ipv4.vs.expire_quiescent_template at 0 and then at 1. Real director, agents, HTTP servers
// and client; the kernel's table is judged from raw ipvsadm text (raw-ipvs.mjs and the regexes here).
interface Raw {
  save: string;
  thresholds: string;
}
interface Check {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}
interface Warning {
  code: string;
  service: string;
  message: string;
}
interface Results {
  created: string;
  phases: Record<string, Record<string, unknown>>;
  checks: { sysctl0?: Check; sysctl1?: Check };
  errors: string[];
  directorLog: string[];
  wallMs: number;
}
let run: GuestResult;
let r: Results;
const dests = (raw: unknown, service: string) => readTable((raw as Raw).save, (raw as Raw).thresholds)[service]?.dests ?? {};
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
/** The persistence templates in `ipvsadm -Lnc`: an entry from the client's address with port 0 (6.1 shows it ASSURED). */
const templatesTo = (connections: string, dest: string) =>
  connections.split('\n').filter((l) => new RegExp(`^TCP\\s+\\d\\d:\\d\\d\\s+\\S+\\s+10\\.0\\.0\\.2:0\\s+10\\.0\\.0\\.1:81\\s+${dest.replace(/\./g, '\\.')}:80\\s*$`).test(l));
const ADDR = { rs1: '10.0.1.11', rs2: '10.0.1.12', rs3: '10.0.1.13' } as Record<string, string>;

beforeAll(async () => {
  const tree = process.env.LVSF_VM_TREE ?? '$(pwd)';
  run = await runInGuest(`export REPO_DIR=${tree}\nsource test/vm/scenarios/neighbours.sh`, { timeoutMs: 420_000 });
  r = JSON.parse(readFileSync(join(run.shareDir, 'results.json'), 'utf8')) as Results;
  const p0 = r.phases['persistence-sysctl-0'] ?? {};
  const p1 = r.phases['persistence-sysctl-1'] ?? {};
  console.log(
    `neighbours scenario: ${Math.round(run.wallMs / 1000)} s in the guest (driver ${Math.round(r.wallMs / 1000)} s); phases: ${Object.entries(r.phases).map(([k, v]) => `${k} ${Math.round(Number(v.ms) / 1000)} s`).join(', ')}; ` +
      `checks ${Math.round((r.checks.sysctl0?.ms ?? 0) / 1000)} s and ${Math.round((r.checks.sysctl1?.ms ?? 0) / 1000)} s`,
  );
  console.log(
    `fwmark DR answers ${JSON.stringify(r.phases['fwmark-dr']?.dr)}, NAT answers ${JSON.stringify(r.phases['fwmark-dr']?.nat)}; persistent client on ${String(p0.stuck)}, quiesced ${Math.round(Number(p0.quiescedAfterMs) / 1000)} s after its agent stopped; ` +
      `new connections with the sysctl at 0: ${JSON.stringify(p0.counts)}; at 1: ${JSON.stringify(p1.counts)} (${Math.round(Number(p1.sinceLastRequestMs) / 1000)} s after the last sticky one)`,
  );
}, 440_000);

const phase = (name: string) => {
  const p = r.phases[name];
  expect(p, `phase ${name} missing; errors: ${r.errors.join('; ')}`).toBeDefined();
  expect(p!.failed, String(p!.failed)).toBeUndefined();
  return p!;
};

describe('a fwmark service with DR destinations without ports, beside a NAT service', () => {
  it('runs every phase without error', () => {
    expect(run.exitCode, run.output.slice(-3000)).toBe(0);
    expect(r.errors).toEqual([]);
  });

  it('is stored by the kernel with its destinations at port 0, method -g', () => {
    const created = readSave(r.created)['-f 101'];
    expect(created?.dests).toEqual({
      '10.0.1.11:0': { method: 'route', weight: 100 },
      '10.0.1.12:0': { method: 'route', weight: 100 },
      '10.0.1.13:0': { method: 'route', weight: 100 },
    });
  });

  it('gets the director’s weights in the kernel, in both services, with every method untouched', () => {
    const p = phase('fwmark-dr');
    for (const raw of [p.raw, p.after]) {
      const fwm = dests(raw, '-f 101');
      const nat = dests(raw, '-t 10.0.0.1:80');
      expect(Object.fromEntries(Object.entries(fwm).map(([id, d]) => [id, [d.method, d.weight]]))).toEqual({ '10.0.1.11:0': ['route', 100], '10.0.1.12:0': ['route', 60], '10.0.1.13:0': ['route', 100] });
      expect(Object.fromEntries(Object.entries(nat).map(([id, d]) => [id, [d.method, d.weight]]))).toEqual({ '10.0.1.11:80': ['masq', 100], '10.0.1.12:80': ['masq', 60], '10.0.1.13:80': ['masq', 100] });
    }
    // What the director says it holds is what the kernel has.
    expect(p.statusWeights).toEqual({ mail: { '10.0.1.11:0': 100, '10.0.1.12:0': 60, '10.0.1.13:0': 100 }, web: { '10.0.1.11:80': 100, '10.0.1.12:80': 60, '10.0.1.13:80': 100 } });
    expect(r.directorLog.some((l) => l.includes('mail/10.0.1.12:0 weight 100 → 60'))).toBe(true);
  });

  it('carries real traffic through the marked VIP to every real server (DR), and through the NAT VIP', () => {
    const p = phase('fwmark-dr');
    for (const counts of [p.dr, p.nat] as Record<string, number>[]) {
      expect(total(counts)).toBe(30);
      expect(Object.keys(counts).sort()).toEqual(['rs1', 'rs2', 'rs3']);
    }
  });
});

describe('a persistent service whose server the director quiesces', () => {
  it('with expire_quiescent_template 0: --check and status warn, and the quiesced server keeps getting its persistent client', () => {
    const p = phase('persistence-sysctl-0');
    const stuck = p.stuck as string;
    expect(p.sysctl).toBe('0');
    expect(p.first).toEqual({ [stuck]: 4 });
    expect(dests(p.raw, '-t 10.0.0.1:81')[`${ADDR[stuck]}:80`]?.weight).toBe(0);
    expect(templatesTo(p.connections as string, ADDR[stuck]!)).toHaveLength(1);
    // Every new connection from the same client still reached the weight-0 server.
    expect(p.counts).toEqual({ [stuck]: 12 });
    const sticky = (p.warnings as Warning[]).filter((w) => w.service === 'sticky');
    expect(sticky.map((w) => w.code)).toEqual(['QUIESCE_PERSISTENT']);
    expect(sticky[0]!.message).toContain('a weight-0 server keeps getting its persistent clients for up to 60s');
    expect(sticky[0]!.message).toContain(`${ADDR[stuck]}:80 at weight 0 now`);
    const c = r.checks.sysctl0!;
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.split('\n').filter(Boolean)).toEqual([
      '/tmp/director.json: ok — 3 service(s), 9 real server(s), 3 agent(s)',
      expect.stringMatching(/^\/tmp\/director\.json: warning: QUIESCE_PERSISTENT: sticky \(tcp:10\.0\.0\.1:81\) is persistent \(-p 60\) and net\.ipv4\.vs\.expire_quiescent_template is 0: a weight-0 server keeps getting its persistent clients for up to 60s .*fix: sysctl -w net\.ipv4\.vs\.expire_quiescent_template=1/),
    ]);
    // Said in the log once per wording (it changes when a server reaches weight 0), not once per decision.
    const said = r.directorLog.filter((l) => l.includes('"code":"QUIESCE_PERSISTENT"')).map((l) => (JSON.parse(l) as { service: string; msg: string }));
    expect(said.length).toBeGreaterThanOrEqual(1);
    expect(said.every((l) => l.service === 'sticky')).toBe(true);
    expect(new Set(said.map((l) => l.msg)).size).toBe(said.length);
  });

  it('with ipvs.expireQuiescentTemplate: true the director writes 1 (logging 0 → 1); new connections leave the quiesced server, and nothing warns', () => {
    const p = phase('persistence-sysctl-1');
    const stuck = r.phases['persistence-sysctl-0']!.stuck as string;
    expect((p.stopped as { code: number }).code).toBe(0);
    expect(p.sysctl).toBe('1');
    expect((p.log as string[]).filter((l) => l.includes('"msg":"net.ipv4.vs.expire_quiescent_template 0 → 1 (ipvs.expireQuiescentTemplate: true)"'))).toHaveLength(1);
    expect((p.log as string[]).filter((l) => l.includes('QUIESCE_PERSISTENT'))).toEqual([]);
    expect(dests(p.raw, '-t 10.0.0.1:81')[`${ADDR[stuck]}:80`]?.weight).toBe(0);
    // The client's template to the quiesced server was still there: what moves the client is the sysctl, not a timeout.
    expect(templatesTo(p.connections as string, ADDR[stuck]!)).toHaveLength(1);
    expect(p.sinceLastRequestMs as number).toBeLessThan(60_000);
    const counts = p.counts as Record<string, number>;
    expect(total(counts)).toBe(8);
    expect(counts[stuck] ?? 0).toBe(0);
    expect(p.warnings).toEqual([]);
    expect(p.warningsLater).toEqual([]);
    const c = r.checks.sysctl1!;
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe('/tmp/director.json: ok — 3 service(s), 9 real server(s), 3 agent(s)\n');
  });
});
