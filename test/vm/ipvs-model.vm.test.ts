// The in-memory ipvsadm -R model (applyLines, what the dry run and the round-trip tests trust) against the real kernel:
// random batches from a fixed seed, all run in one guest boot, each compared with the table the kernel really left.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyLines, type LinesResult } from '../../director/kernel/ipvs/apply-lines.js';
import { emptyTable, type IpvsTable } from '../../director/kernel/ipvs/model.js';
import { runInGuest, type GuestResult } from './guest.js';
import { batch, START_LINES } from './ipvs-batches.js';
import { readTable } from './raw-ipvs.mjs';

const SEED = Number(process.env.LVSF_IPVS_MODEL_SEED ?? 20_261_201);
const CASES = Number(process.env.LVSF_IPVS_MODEL_CASES ?? 300);

/** What both sides are compared on: service ("-t 10.0.0.1:80") → scheduler, options, dest → method, weight, thresholds. */
type View = Record<string, { scheduler: string; options: string; dests: Record<string, { method: string; weight: number; upper: number; lower: number }> }>;

const FLAG = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;
const hostPort = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;

function modelView(t: IpvsTable): View {
  const view: View = {};
  for (const s of t.services.values()) {
    const key = s.protocol === 'fwm' ? `-f ${s.fwmark}` : `${FLAG[s.protocol]} ${hostPort(s.address, s.port)}`;
    const dests: View[string]['dests'] = {};
    for (const d of s.dests.values()) dests[hostPort(d.address, d.port)] = { method: d.method, weight: d.weight, upper: d.upper, lower: d.lower };
    view[key] = { scheduler: s.scheduler, options: s.options.join(' '), dests };
  }
  return view;
}

function kernelView(save: string, thresholds: string): View {
  const view: View = {};
  for (const [key, s] of Object.entries(readTable(save, thresholds))) {
    const dests: View[string]['dests'] = {};
    for (const [id, d] of Object.entries(s.dests)) dests[id] = { method: d.method, weight: d.weight, upper: d.upper, lower: d.lower };
    view[key] = { scheduler: s.scheduler, options: s.options, dests };
  }
  return view;
}

/** The differences between two views, one line each. */
function differences(kernel: View, model: View): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(kernel), ...Object.keys(model)])) {
    const k = kernel[key];
    const m = model[key];
    if (!k || !m) {
      out.push(`${key}: kernel ${k ? 'has it' : 'has no such service'}, model ${m ? 'has it' : 'has no such service'}`);
      continue;
    }
    if (k.scheduler !== m.scheduler || k.options !== m.options) out.push(`${key}: kernel -s ${k.scheduler} ${k.options}, model -s ${m.scheduler} ${m.options}`);
    for (const id of new Set([...Object.keys(k.dests), ...Object.keys(m.dests)])) {
      const kd = JSON.stringify(k.dests[id] ?? 'absent');
      const md = JSON.stringify(m.dests[id] ?? 'absent');
      if (kd !== md) out.push(`${key} -r ${id}: kernel ${kd}, model ${md}`);
    }
  }
  return out;
}

/** What ipvsadm prints for the lines the model says fail: kernel refusals and the syntax error it stops at. */
const printed = (r: LinesResult) => r.errors.filter((e) => e.kind !== 'not-run').map((e) => e.reason);
const stopsAtSyntax = (r: LinesResult) => r.errors.some((e) => e.kind === 'syntax');

/** The two listings a case prints one after the other: the -Sn lines, then the --thresholds listing from its header. */
function listings(text: string): View {
  const at = text.indexOf('IP Virtual Server version');
  if (at < 0) throw new Error(`no --thresholds listing in:\n${text}`);
  return kernelView(text.slice(0, at), text.slice(at));
}

const start = applyLines(emptyTable(), START_LINES);
const cases = fc.sample(batch, { seed: SEED, numRuns: CASES });
const name = (i: number) => String(i).padStart(4, '0');
interface Outcome {
  readonly lines: readonly string[];
  readonly model: LinesResult;
  readonly kernel: View;
  readonly stderr: string[];
  readonly status: number;
}
let run: GuestResult;
let outcomes: Outcome[];
let startKernel: View;

beforeAll(async () => {
  // Every case clears the table, loads the start lines, runs its batch and prints the table, all in one ipvsadm -R.
  const file = (lines: readonly string[]) => `${['-C', ...START_LINES, ...lines, '-S -n', '-L -n --thresholds --exact'].join('\n')}\n`;
  const files: Record<string, string> = { 'cases/start.lines': file([]) };
  cases.forEach((lines, i) => (files[`cases/${name(i)}.lines`] = file(lines)));
  run = await runInGuest('source test/vm/scenarios/ipvs-batches.sh', { files, timeoutMs: 200_000 });
  const out = (file: string) => readFileSync(join(run.shareDir, 'out', file), 'utf8');
  startKernel = listings(out('start.out'));
  outcomes = cases.map((lines, i) => ({
    lines,
    model: applyLines(start.table, lines),
    kernel: listings(out(`${name(i)}.out`)),
    stderr: out(`${name(i)}.err`).split('\n').filter((l) => l !== ''),
    status: Number(out(`${name(i)}.rc`)),
  }));
  const lines = cases.reduce((n, c) => n + c.length, 0);
  const refused = outcomes.reduce((n, o) => n + o.stderr.length, 0);
  const applied = outcomes.reduce((n, o) => n + o.lines.length - o.model.errors.length, 0);
  const disagree = outcomes.filter((o) => differences(o.kernel, modelView(o.model.table)).length > 0 || JSON.stringify(o.stderr) !== JSON.stringify(printed(o.model))).length;
  console.log(`ipvsadm -R model against the kernel: seed ${SEED} (LVSF_IPVS_MODEL_SEED replays another), ${cases.length} batches, ${lines} lines (${applied} changed the table), ${refused} refused by ipvsadm or the kernel, ${outcomes.filter((o) => o.status === 2).length} stopped at a syntax error; ${disagree} batch(es) where model and kernel disagree; guest ${Math.round(run.wallMs / 1000)} s`);
}, 230_000);

/** The first few failing batches, written so a reader can replay them by hand. */
function report(failing: readonly { o: Outcome; what: string[] }[]): string {
  return `${failing.length} of ${outcomes.length} batches (seed ${SEED}):\n${failing
    .slice(0, 3)
    .map(({ o, what }) => `batch:\n  ${o.lines.join('\n  ')}\n${what.map((w) => `  ✗ ${w}`).join('\n')}`)
    .join('\n')}`;
}

describe('the in-memory ipvsadm -R model agrees with the real kernel', () => {
  it('the guest ran every batch', () => {
    expect(run.exitCode, run.output.slice(-2000) + run.console.slice(-1000)).toBe(0);
    expect(outcomes).toHaveLength(CASES);
  });

  it('starts from the same table: the start lines through the model are what the kernel holds after them', () => {
    expect(start.errors).toEqual([]);
    expect(differences(startKernel, modelView(start.table))).toEqual([]);
  });

  it('ends every batch with the table the model computes (services, schedulers, methods, weights, thresholds)', () => {
    const failing = outcomes.map((o) => ({ o, what: differences(o.kernel, modelView(o.model.table)) })).filter((f) => f.what.length > 0);
    expect(failing.length, report(failing)).toBe(0);
  });

  it('refuses exactly the lines ipvsadm and the kernel refuse, in order, with their words', () => {
    const failing = outcomes
      .filter((o) => JSON.stringify(o.stderr) !== JSON.stringify(printed(o.model)))
      .map((o) => ({ o, what: [`ipvsadm said ${JSON.stringify(o.stderr)}`, `model said ${JSON.stringify(printed(o.model))}`] }));
    expect(failing.length, report(failing)).toBe(0);
  });

  it('stops the batch exactly where ipvsadm -R stops it: at a syntax error (exit 2), and nowhere else', () => {
    const failing = outcomes.filter((o) => (o.status === 2) !== stopsAtSyntax(o.model)).map((o) => ({ o, what: [`ipvsadm exit ${o.status}; the model ${stopsAtSyntax(o.model) ? 'stops' : 'does not stop'}`] }));
    expect(failing.length, report(failing)).toBe(0);
  });

  it('the batches cover what they are meant to: the director’s own lines, every command, method and refusal, weights 0 and 65535, thresholds, syntax stops', () => {
    const all = cases.flat();
    const reasons = new Set(outcomes.flatMap((o) => o.stderr));
    for (const cmd of ['-A', '-a', '-e', '-d']) expect(all.filter((l) => l.startsWith(`${cmd} `)).length, cmd).toBeGreaterThan(20);
    // The director's own shapes (render.ts): edits and adds restating method, weight and both thresholds.
    const rendered = all.filter((l) => /^-[ae] (-t|-u|-f) \S+ -r \S+ -[mgi] -w \d+ -x \d+ -y \d+$/.test(l));
    expect(rendered.filter((l) => l.startsWith('-e ')).length).toBeGreaterThan(50);
    expect(rendered.filter((l) => l.startsWith('-a ')).length).toBeGreaterThan(20);
    for (const flag of [' -m', ' -g', ' -i', ' -w 0', ' -w 65535', ' -x ', ' -y ', ' -f ', ' -u ', '[2001:db8::']) expect(all.some((l) => l.includes(flag)), flag).toBe(true);
    for (const reason of ['No such destination', 'Destination already exists', 'Service not defined', 'Service already exists', 'Numerical result out of range']) expect(reasons.has(reason), reason).toBe(true);
    expect(outcomes.filter((o) => o.status === 2).length).toBeGreaterThanOrEqual(3);
    const landed = outcomes.flatMap((o) => Object.values(o.kernel).flatMap((s) => Object.values(s.dests)));
    for (const method of ['masq', 'route', 'tunnel']) expect(landed.some((d) => d.method === method), method).toBe(true);
    expect(landed.some((d) => d.upper > 0 && d.lower > 0)).toBe(true);
  });
});
