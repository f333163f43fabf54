import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInGuest, type GuestResult } from './guest.js';
import { readTable } from './raw-ipvs.mjs';

// Two real directors, each in its own network namespace with its own IPVS table, fed by the same real agents, and
// keepalived beside the first: the guest (scenarios/neighbours-ha.*) sends real traffic through dira, then through
// dirb, and samples both tables raw every ~250 ms; these tests judge the samples with the test's own regexes
// (raw-ipvs.mjs), never the director's parsers. Scenario 1: keepalived with inhibit_on_failure and its own thresholds
// in dira. Scenario 2: two directors with one config decide the same weights (capacity and expression mode), and the
// switch from one to the other moves no weight further than damping allows.
interface Sample {
  t: number;
  save?: string;
  thresholds?: string;
  error?: string;
  /** Set when keepalived changed the table between the two listings of this sample. */
  torn?: string;
}
interface Results {
  phases: Record<string, Record<string, unknown>>;
  errors: string[];
  times: { t0: number; tSwitch: number; tEnd: number };
  samples: { dira: Sample[]; dirb: Sample[] };
  /** [wall-clock ms, target (0: keepalived's service, 1: the capacity service), answer: rs1.. or error-…] */
  answers: [number, number, string][];
  loads: { t: number; rs: string; pct: number }[];
  keepalivedLog: { t: number; line: string }[];
  directorLog: Record<string, string[]>;
  /** Every weight change each director logged: its grid instant, when it was logged (just before the write). */
  decisions: Record<Ns, { instant: number; time: number; service: string; dest: string; from: number; to: number }[]>;
}
type Ns = 'dira' | 'dirb';
interface Step {
  /** When it was first and last seen. */
  t: number;
  last: number;
  w: (number | null)[];
  /** How many samples in a row showed it. */
  n: number;
}

const CONTROL_MS = 2_000;
const HOLD_MS = 4_000;
const MAX_STEP_PCT = 25;
const REFERENCE = 100;
const CONFIGURED = [100, 100, 100];
const KA = '-t 10.0.0.1:80';
const CAP = '-t 10.0.0.1:8080';
const EXPR = '-t 10.0.0.1:8081';
const RS = ['10.0.1.11', '10.0.1.12', '10.0.1.13'];

let run: GuestResult;
let r: Results;

beforeAll(async () => {
  // LVSF_VM_TREE: a folder with another build (package.json, dist/, demo/, node_modules) for the guest to run.
  const tree = process.env.LVSF_VM_TREE ?? '$(pwd)';
  run = await runInGuest(`export REPO_DIR=${tree}\nsource test/vm/scenarios/neighbours-ha.sh`, { timeoutMs: 420_000, memoryMb: 2048 });
  r = JSON.parse(readFileSync(join(run.shareDir, 'results.json'), 'utf8')) as Results;
  const gaps = (['dira', 'dirb'] as const).map((ns) => `${ns} ${during(ns).length} (max gap ${maxGap(during(ns))} ms)`);
  console.log(
    `two-director scenario: ${Math.round(run.wallMs / 1000)} s in the guest; phases: ${Object.entries(r.phases).map(([k, v]) => `${k} ${Math.round(Number(v.ms) / 1000)} s`).join(', ')}; ` +
      `decisions of the two directors ${r.phases['tick-phases']?.offsetMs} ms apart within the interval; ` +
      `samples after both were live: ${gaps.join(', ')}; torn: ${r.samples.dira.filter((s) => s.torn).length}; ${r.answers.length} answers`,
  );
}, 440_000);

const phase = (name: string) => {
  const p = r.phases[name];
  expect(p, `phase ${name} missing; errors: ${r.errors.join('; ')}`).toBeDefined();
  expect(p!.failed, String(p!.failed)).toBeUndefined();
  return p!;
};
const readable = (ns: Ns) => r.samples[ns].filter((s) => s.save !== undefined && s.torn === undefined);
const destsOf = (s: Sample, key: string) => readTable(s.save!, s.thresholds!)[key]?.dests ?? {};
/** Samples from both directors being live to the end of the run: the span where their decisions are compared. */
const during = (ns: Ns, from = r.times.t0, to = r.times.tEnd) => readable(ns).filter((s) => s.t >= from && s.t <= to);
const maxGap = (s: Sample[]) => s.slice(1).reduce((m, x, i) => Math.max(m, x.t - s[i]!.t), 0);
/** The weights of rs1, rs2, rs3 in one service of one sample (null: not in the table). */
const vector = (s: Sample, key: string, port: number) => RS.map((ip) => destsOf(s, key)[`${ip}:${port}`]?.weight ?? null);
/** The distinct weight vectors in order, each with when it was first and last seen and in how many samples in a row. */
function distinct(samples: Sample[], key: string, port: number): Step[] {
  const out: Step[] = [];
  for (const s of samples) {
    const w = vector(s, key, port);
    const prev = out.at(-1);
    if (prev && JSON.stringify(w) === JSON.stringify(prev.w)) {
      prev.n++;
      prev.last = s.t;
    } else out.push({ t: s.t, last: s.t, w, n: 1 });
  }
  return out;
}
/**
 * The vectors a director wrote. It writes a decision as one ipvsadm -R batch, but IPVS applies a batch line by line:
 * a sample that falls inside one (a millisecond or so, against 250 ms between samples) shows some destinations at
 * their new weight and the others at their old one. Such a glimpse is seen in one sample only, each of its weights is
 * its predecessor's or its successor's, and it cannot have lasted longer than from the sample before it to the one
 * after it (two sampling gaps, about 0.5 s): it is dropped. A vector a director wrote stays for about a control
 * interval (2 s), so it is never taken for one unless it stood less than half of that.
 */
function decided(samples: Sample[], key: string, port: number): Step[] {
  const steps = distinct(samples, key, port);
  const out: Step[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const before = out.at(-1);
    const after = steps[i + 1];
    const glimpse = s.n === 1 && before && after && after.t - before.last < CONTROL_MS / 2 && s.w.every((w, j) => w === before.w[j] || w === after.w[j]);
    if (!glimpse) out.push(s);
  }
  return out;
}
const show = (w: (number | null)[]) => w.join('/');
/** The largest change damping allows in one write: 25 % of the larger of the current and the reference weight. */
const maxStepOf = (current: number) => Math.max(1, Math.floor((Math.max(current, REFERENCE) * MAX_STEP_PCT) / 100));
const secs = (t: number) => `${((t - r.times.t0) / 1000).toFixed(1)}s`;

/** A director's decisions for one service: the vector in force after each grid instant that changed a weight. */
interface Decided {
  instant: number;
  /** When the director logged it, just before writing it. */
  time: number;
  w: number[];
}
function decisionsOf(ns: Ns, service: string): Decided[] {
  const w = [...CONFIGURED];
  const out: Decided[] = [];
  for (const d of r.decisions[ns].filter((x) => x.service === service).sort((a, b) => a.instant - b.instant || a.time - b.time)) {
    const j = RS.findIndex((ip) => d.dest.startsWith(`${ip}:`));
    expect(j, d.dest).toBeGreaterThanOrEqual(0);
    expect(d.from, `${ns} ${service} ${d.dest} at ${d.instant}: the change starts from the weight in force`).toBe(w[j]);
    w[j] = d.to;
    const last = out.at(-1);
    if (last?.instant === d.instant) last.w = [...w];
    else out.push({ instant: d.instant, time: d.time, w: [...w] });
  }
  return out;
}
/**
 * The two directors' decisions compared instant by instant over the span where both were live: the vector in force
 * at t0, then every grid instant that changed a weight, up to the last instant both had decided by the end.
 */
function compareDecisions(service: string): { dira: string[]; dirb: string[]; all: Record<Ns, Decided[]> } {
  const all = { dira: decisionsOf('dira', service), dirb: decisionsOf('dirb', service) };
  const lastBoth = r.times.tEnd - CONTROL_MS - 2_000;
  const span = (ds: Decided[]) => {
    const before = ds.filter((d) => d.instant < r.times.t0).at(-1);
    const during = ds.filter((d) => d.instant >= r.times.t0 && d.instant <= lastBoth);
    return [`in force at t0: ${show(before?.w ?? CONFIGURED)}`, ...during.map((d) => `${secs(d.instant)} ${show(d.w)}`)];
  };
  return { dira: span(all.dira), dirb: span(all.dirb), all };
}
/**
 * The kernel went through the weights the director decided, in order: the raw table's vectors (decided()) are its
 * decision vectors with none added, and a decision vector the samples never show stood less than half a control
 * interval (a decision caught up in the same write as the next one, or overtaken by it): too short for the samples.
 */
/** How many of its decision vectors from t0 on each table was seen to show, for the printed figure. */
const shown: string[] = [];
function expectKernelFollows(ns: Ns, key: string, port: number, ds: Decided[]): void {
  const wanted = [{ instant: 0, time: 0, w: CONFIGURED }, ...ds];
  const seen = decided(during(ns), key, port);
  const fromT0 = ds.filter((d) => d.instant >= r.times.t0);
  shown.push(`${ns} ${key.slice(-4)}: the table showed ${fromT0.filter((d) => seen.some((s) => show(s.w) === show(d.w))).length} of ${fromT0.length}`);
  const all = `decided ${ds.filter((d) => d.instant >= r.times.t0).map((d) => show(d.w)).join(', ')}; table ${seen.map((s) => show(s.w)).join(', ')}`;
  // The first vector sampled is one decided before it, the latest such (a write lands a settle time after its instant).
  let i = wanted.findLastIndex((d) => d.instant <= seen[0]!.t && show(d.w) === show(seen[0]!.w));
  expect(i, `${ns}: the table showed ${show(seen[0]!.w)} at ${secs(seen[0]!.t)}, never decided before; ${all}`).toBeGreaterThanOrEqual(0);
  for (const s of seen.slice(1)) {
    const at = wanted.findIndex((d, k) => k >= i && show(d.w) === show(s.w));
    expect(at, `${ns}: the table showed ${show(s.w)} at ${secs(s.t)}, not next in its decisions; ${all}`).toBeGreaterThanOrEqual(0);
    for (let k = i + 1; k < at; k++) {
      const stood = wanted[k + 1]!.time - wanted[k]!.time;
      expect(stood, `${ns}: decided ${show(wanted[k]!.w)} at ${secs(wanted[k]!.instant)}, which stood ${stood} ms, never in the table; ${all}`).toBeLessThan(CONTROL_MS / 2);
    }
    i = at;
  }
}

describe('two directors and keepalived on a real IPVS kernel', () => {
  it('runs every phase without error, and samples both tables often enough to see every decision', () => {
    expect(run.exitCode, run.output.slice(-3000)).toBe(0);
    expect(r.errors).toEqual([]);
    for (const ns of ['dira', 'dirb'] as const) {
      expect(r.samples[ns].filter((s) => s.error !== undefined)).toEqual([]);
      // Only keepalived's few edits (create, disable, enable) may fall between the two listings of a sample.
      expect(r.samples[ns].filter((s) => s.torn !== undefined).length, ns).toBeLessThanOrEqual(5);
      expect(maxGap(during(ns)), ns).toBeLessThanOrEqual((CONTROL_MS * 3) / 4);
    }
  });

  describe('scenario 1: keepalived with inhibit_on_failure beside the director (dira)', () => {
    it('keeps the weight 0 keepalived gave a failed server past three holds and many decisions, and no request reaches it', () => {
      const p = phase('keepalived-inhibits');
      const [tZero, tHoldEnd] = [p.tZero as number, p.tHoldEnd as number];
      expect(r.keepalivedLog.some((l) => /Disabling service \[10\.0\.1\.12\]:tcp:80/.test(l.line))).toBe(true);
      expect(tHoldEnd - tZero).toBeGreaterThanOrEqual(3 * HOLD_MS);
      const samples = during('dira', tZero, tHoldEnd);
      expect(samples.length).toBeGreaterThanOrEqual(20);
      const weights = samples.map((s) => ({ t: s.t, w: destsOf(s, KA)['10.0.1.12:80']?.weight }));
      const raised = weights.filter((x, i) => x.w !== 0 && x.w !== weights[i - 1]?.w).map((x) => `${((x.t - tZero) / 1000).toFixed(1)}s after 0: ${x.w}`);
      expect(raised, `${weights.filter((x) => x.w !== 0).length} of ${samples.length} samples show rs2 above 0`).toEqual([]);
      // The director kept deciding all along: every decision takes in new reports, and its status shows their seq.
      const statuses = p.statuses as { lastReportSeq?: number; agentState: string }[];
      // Over the 15 s hold the agent sent about 15 reports: the seqs the polled statuses show span most of them, with
      // decisions in between (how many polls land depends on how busy the guest is: not counted).
      const seqs = statuses.map((s) => s.lastReportSeq ?? NaN);
      expect(new Set(seqs).size, seqs.join(' ')).toBeGreaterThanOrEqual(3);
      expect(Math.max(...seqs) - Math.min(...seqs), seqs.join(' ')).toBeGreaterThanOrEqual(8);
      expect(statuses.every((s) => s.agentState === 'live')).toBe(true);
      // Real traffic meanwhile: rs1 and rs3 answer everything; a request sent to rs2 would be refused (its server is down).
      const counts: Record<string, number> = {};
      for (const [t, i, who] of r.answers) if (i === 0 && t >= tZero && t <= tHoldEnd) counts[who] = (counts[who] ?? 0) + 1;
      expect(Object.keys(counts).filter((k) => k !== 'rs1' && k !== 'rs3').map((k) => `${k}: ${counts[k]}`)).toEqual([]);
      expect((counts.rs1 ?? 0) + (counts.rs3 ?? 0)).toBeGreaterThanOrEqual(20);
    });

    it('leaves keepalived’s thresholds (500/100) and method (masq) on every raw sample, whatever the director writes', () => {
      const withKa = readable('dira').filter((s) => Object.keys(destsOf(s, KA)).length > 0);
      expect(withKa.length).toBeGreaterThanOrEqual(100);
      const bad = withKa.flatMap((s) =>
        Object.entries(destsOf(s, KA))
          .filter(([, d]) => d.upper !== 500 || d.lower !== 100 || d.method !== 'masq')
          .map(([id, d]) => `${secs(s.t)} ${id} ${d.method} -x ${d.upper} -y ${d.lower}`),
      );
      expect(bad.slice(0, 6), `${bad.length} of ${withKa.length * 3} destination samples differ`).toEqual([]);
    });

    it('slow-starts the server keepalived restores: a low weight within a few decisions, then up step by step', () => {
      const p = phase('keepalived-restores');
      const [tRestore, tEnd] = [p.tRestore as number, p.tEnd as number];
      // What dira decided for rs2 after keepalived's restore, instant by instant (its log), … A change is logged once
      // the table holds it, so its line may come after the sample that ended the phase: the instant decides.
      const decidedRamp = r.decisions.dira.filter((d) => d.service === 'ka' && d.dest === '10.0.1.12:80' && d.time >= tRestore && d.instant <= tEnd).sort((a, b) => a.instant - b.instant);
      const all = decidedRamp.map((d) => `${((d.instant - tRestore) / 1000).toFixed(1)}s ${d.from} → ${d.to}`).join(', ');
      expect(decidedRamp.length, all).toBeGreaterThanOrEqual(4);
      const first = decidedRamp[0]!;
      expect(first.to, all).toBeLessThanOrEqual(20);
      expect(first.time - tRestore, all).toBeLessThanOrEqual(3 * CONTROL_MS + 1_000);
      for (const [k, d] of decidedRamp.slice(1).entries()) {
        expect(d.from, all).toBe(decidedRamp[k]!.to);
        expect(d.to - d.from, all).toBeGreaterThan(0);
        expect(d.to - d.from, all).toBeLessThanOrEqual(maxStepOf(d.from));
      }
      expect(decidedRamp.at(-1)!.to, all).toBe(100);
      // … and the raw table: from the first low weight on, only weights dira decided (a catch-up may skip some).
      const seen: { t: number; w: number }[] = [];
      for (const s of during('dira', tRestore, tEnd)) {
        const w = destsOf(s, KA)['10.0.1.12:80']!.weight;
        if (w !== seen.at(-1)?.w) seen.push({ t: s.t, w });
      }
      const table = seen.map((x) => `${((x.t - tRestore) / 1000).toFixed(1)}s ${x.w}`).join(', ');
      // The first sample may still show keepalived's 0 from before its restore: the ramp's low weight is above 0.
      const low = seen.findIndex((x) => x.w > 0 && x.w <= 20);
      expect(low, `table: ${table}`).toBeGreaterThanOrEqual(0);
      expect(seen.slice(low).filter((x) => !decidedRamp.some((d) => d.to === x.w)), `table: ${table}; decided: ${all}`).toEqual([]);
      expect(seen.at(-1)!.w, table).toBe(100);
    });
  });

  describe('scenario 2: two directors, one config, the same reports', () => {
    it('the real traffic went through dira, then through dirb', () => {
      const p = phase('switch-to-dirb');
      const ok = (from: number, to: number) => r.answers.filter(([t, i, who]) => i === 1 && t >= from && t < to && /^rs\d$/.test(who)).length;
      expect(ok(r.times.t0, p.tSwitchStart as number)).toBeGreaterThanOrEqual(200);
      expect(ok(r.times.tSwitch, r.times.tEnd)).toBeGreaterThanOrEqual(200);
      // The kernel's own count: dirb bound no connection of the capacity service before the switch, and many after.
      const conns = (s: Sample) => Object.values(destsOf(s, CAP)).reduce((n, d) => n + d.active + d.inactive, 0);
      expect(conns(during('dirb', r.times.t0, p.tSwitchStart as number).at(-1)!)).toBe(0);
      expect(conns(during('dirb').at(-1)!)).toBeGreaterThanOrEqual(100);
    });

    it('capacity mode: the weights move away from the configured ones while dira carries the traffic', () => {
      // The agents count every connection their host completes (the keepalived service's traffic too), so the weights
      // may have moved a little before this service's own traffic began: what matters is that they move under it.
      const before = decided(during('dira', r.times.t0, r.times.tSwitch), CAP, 8080);
      expect(before.some((s) => s.w.some((w) => Math.abs(w! - REFERENCE) >= 20)), before.map((s) => show(s.w)).join(', ')).toBe(true);
    });

    it('capacity mode: both directors decide the same weights at the same instants, and each table goes through them', () => {
      const { dira, dirb, all } = compareDecisions('cap');
      expect(dira.length).toBeGreaterThanOrEqual(3);
      expect(dirb).toEqual(dira);
      expectKernelFollows('dira', CAP, 8080, all.dira);
      expectKernelFollows('dirb', CAP, 8080, all.dirb);
      console.log(`cap: ${dira.length - 1} decided instants with a change from t0 on, the same on both directors; ${shown.splice(0).join('; ')}`);
    });

    it('capacity mode: no jump at the switch — each change within the step limit, no return to the configured weights', () => {
      // The weights the traffic met: dira's decisions up to the switch, then dirb's from the switch on (the tables go
      // through them: the test above).
      const a = decisionsOf('dira', 'cap').filter((d) => d.time < r.times.tSwitch);
      const b = decisionsOf('dirb', 'cap').filter((d) => d.time >= r.times.tSwitch);
      const last = a.at(-1)!;
      const met = [last, ...b];
      const all = met.map((d) => `${secs(d.instant)} ${show(d.w)}`).join(', ');
      expect(last.w, all).not.toEqual(CONFIGURED);
      // How many changes follow the switch depends on the traffic's noise (the deadband widens with it); one is the
      // evidence needed that dirb goes on from the weights dira left, the loop below checks every one there is.
      expect(b.length, all).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < met.length; i++) {
        for (let j = 0; j < 3; j++) expect(Math.abs(met[i]!.w[j]! - met[i - 1]!.w[j]!), `${RS[j]} at ${secs(met[i]!.instant)}: ${all}`).toBeLessThanOrEqual(maxStepOf(met[i - 1]!.w[j]!));
        expect(met[i]!.w, all).not.toEqual(CONFIGURED);
      }
    });

    it('expression mode: both directors decide the same weights at the same instants as the demo_load inputs change', () => {
      expect(r.loads.length).toBeGreaterThanOrEqual(6);
      const { dira, dirb, all } = compareDecisions('expr');
      expect(dira.length).toBeGreaterThanOrEqual(6);
      expect(dirb).toEqual(dira);
      expectKernelFollows('dira', EXPR, 8080, all.dira);
      expectKernelFollows('dirb', EXPR, 8080, all.dirb);
      console.log(`expr: ${dira.length - 1} decided instants with a change from t0 on, the same on both directors; ${shown.splice(0).join('; ')}`);
    });
  });
});
