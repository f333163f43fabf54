// Runs one scenario under one policy with one seed: arrivals, IPVS dispatch, processor-sharing servers, agents that
// sample and report, and the policy deciding once per control interval. Deterministic for a seed.
import type { KernelDest, ReceivedReport } from '../../director/core/observation.js';
import type { ReportMessage } from '../../shared/protocol/messages.js';
import { EventQueue } from '../engine/event-queue.js';
import { Prng } from '../engine/prng.js';
import { agentId, destId, SERVICE_ID, type Policy } from '../policies/policy.js';
import { IpvsService } from './ipvs-scheduler.js';
import { PsServer } from './ps-server.js';
import type { ScenarioSpec } from './scenario-spec.js';

export interface SeriesPoint {
  readonly t: number;
  readonly weights: readonly number[];
  /** CPU utilisation over the last 2 s, 0..1. */
  readonly util: readonly number[];
}

export interface RunResult {
  /** Response times (s) of requests that arrived in the measured window. */
  readonly responses: Float64Array;
  readonly windowResponses: Float64Array;
  readonly utilisation: readonly number[];
  readonly refused: number;
  readonly sorry: number;
  readonly weightChanges: number;
  readonly series: readonly SeriesPoint[];
  /** Highest 2 s utilisation of the rejoining server in the minute after it rejoined. */
  readonly rejoinPeakUtil?: number;
  readonly events: number;
}

const CONTROL_MS = 1_000;
const SAMPLE_MS = 1_000;
const REPORT_MS = 2_000;

export function runScenario(spec: ScenarioSpec, policy: Policy, seed: number): RunResult {
  const q = new EventQueue();
  const rng = new Prng(seed);
  const arrivalsRng = rng.fork(1);
  const workRng = rng.fork(2);
  const noiseRng = rng.fork(3);
  const n = spec.servers.length;
  const servers = spec.servers.map((s) => new PsServer(s.cores, s.speed, q));
  let weights = policy.initialWeights(n);
  const ipvs = new IpvsService(weights, policy.scheduler === 'oracle' ? 'wlc' : policy.scheduler);
  const present = spec.servers.map((_, i) => !(spec.rejoin && spec.rejoin.server === i));
  if (spec.rejoin) ipvs.setWeight(spec.rejoin.server, 0);
  let sorryActive = false;
  const endMs = spec.durationS * 1000;
  const warmMs = spec.warmupS * 1000;
  const responses: number[] = [];
  const windowResponses: number[] = [];
  let refused = 0;
  let sorry = 0;
  let weightChanges = 0;
  let events = 0;
  const series: SeriesPoint[] = [];
  const arrivalsInSecond = new Array<number>(n).fill(0);

  // Arrivals (Poisson at the scenario's rate) and dispatch.
  const classCum = spec.classes.map((_, i) => spec.classes.slice(0, i + 1).reduce((a, c) => a + c.share, 0));
  const scheduleArrival = (t: number): void => {
    const rate = spec.rate(t / 1000);
    q.at(t + arrivalsRng.exp(1000 / rate), () => arrive(q.now));
  };
  const arrive = (t: number): void => {
    events++;
    const u = workRng.next() * classCum.at(-1)!;
    const cls = spec.classes[classCum.findIndex((c) => u < c)] ?? spec.classes.at(-1)!;
    const work = workRng.lognormal(cls.meanWork, cls.cv);
    let i: number;
    if (policy.scheduler === 'oracle') {
      // Perfect, instant knowledge: the server that would finish this request's share of work soonest.
      i = -1;
      let best = Infinity;
      for (let k = 0; k < n; k++) {
        if (!present[k]) continue;
        const s = servers[k]!;
        const v = (s.remainingWork(t) + work) / s.capacity;
        if (v < best) {
          best = v;
          i = k;
        }
      }
    } else {
      i = ipvs.pick(t);
    }
    if (i < 0) {
      if (sorryActive) sorry++;
      else refused++;
    } else {
      ipvs.bind(i);
      arrivalsInSecond[i]!++;
      const started = t;
      servers[i]!.add(t, work, (done) => {
        events++;
        ipvs.close(i, done);
        if (started >= warmMs) {
          responses.push((done - started) / 1000);
          if (spec.window && started >= spec.window.fromS * 1000 && started < spec.window.toS * 1000) windowResponses.push((done - started) / 1000);
        }
      });
    }
    scheduleArrival(t);
  };
  scheduleArrival(0);

  // Scenario events.
  if (spec.background) {
    const b = spec.background;
    q.at(b.fromS * 1000, () => servers[b.server]!.setBackground(q.now, b.threads));
    q.at(b.toS * 1000, () => servers[b.server]!.setBackground(q.now, 0));
  }
  if (spec.rejoin) {
    const r = spec.rejoin;
    q.at(r.atS * 1000, () => {
      present[r.server] = true;
      // A health checker adds it back at its configured weight (the policy's current weight for it).
      ipvs.setWeight(r.server, Math.max(1, weights[r.server] ?? 100));
    });
  }

  // Agents: a sample every second, a report every two, delivered after a delay.
  const samples: { util: number; runq: number; est: number; opens: number }[][] = Array.from({ length: n }, () => []);
  const lastBusy = new Array<number>(n).fill(0);
  const pending: ReceivedReport[] = [];
  let seq = 0;
  const sample = (): void => {
    const t = q.now;
    for (let i = 0; i < n; i++) {
      const s = servers[i]!;
      s.remainingWork(t); // brings its busy integral up to now
      const busy = (s.busyIntegral - lastBusy[i]!) / (SAMPLE_MS / 1000);
      lastBusy[i] = s.busyIntegral;
      const util = Math.min(100, Math.max(0, busy * 100 + (spec.noisePct ? noiseRng.normal() * spec.noisePct : 0)));
      samples[i]!.push({ util, runq: s.jobs / s.cores, est: s.jobs, opens: arrivalsInSecond[i]! });
      arrivalsInSecond[i] = 0;
    }
    q.at(t + SAMPLE_MS, sample);
  };
  q.at(SAMPLE_MS, sample);
  const report = (): void => {
    const t = q.now;
    for (let i = 0; i < n; i++) {
      const got = samples[i]!.splice(0);
      const silent = spec.silent && spec.silent.servers.includes(i) && t >= spec.silent.fromS * 1000 && t < spec.silent.toS * 1000;
      if (silent || got.length === 0 || !present[i]) continue;
      const stat = (f: (x: (typeof got)[number]) => number) => {
        const v = got.map(f);
        return { mean: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v), n: v.length };
      };
      const util = stat((x) => x.util);
      const msg: ReportMessage = {
        type: 'report',
        seq: seq++,
        ts: t,
        intervalMs: REPORT_MS,
        metrics: {
          cpu_util_pct: util,
          cpu_idle_pct: { mean: 100 - util.mean, min: 100 - util.max, max: 100 - util.min, n: util.n },
          run_queue_per_core: stat((x) => x.runq),
          established: stat((x) => x.est),
          listen_queue: { mean: 0, min: 0, max: 0, n: util.n },
          tcp_passive_opens_per_s: stat((x) => x.opens),
          mem_available_pct: stat((x) => Math.max(5, 80 - x.est * 0.05)),
          swap_used_pct: { mean: 0, min: 0, max: 0, n: util.n },
          swap_in_pages_per_s: { mean: 0, min: 0, max: 0, n: util.n },
          swap_out_pages_per_s: { mean: 0, min: 0, max: 0, n: util.n },
          postfix_mailq_active: { mean: 0, min: 0, max: 0, n: 1 },
          postfix_mailq_deferred: { mean: 0, min: 0, max: 0, n: 1 },
        },
        plugins: {},
      };
      const at = t + (spec.reportDelayMs ?? 20);
      q.at(at, () => pending.push({ agentId: agentId(i), receivedAt: at, report: msg }));
    }
    q.at(t + REPORT_MS, report);
  };
  q.at(REPORT_MS, report);

  // The director: one decision per control interval.
  const boundAt: number[][] = [];
  const control = (): void => {
    const t = q.now;
    ipvs.expire(t);
    boundAt.push(ipvs.dests.map((d) => d.bound));
    const twoAgo = boundAt.length > 2 ? boundAt[boundAt.length - 3]! : boundAt[0]!;
    const view: Record<string, KernelDest> = {};
    for (let i = 0; i < n; i++) {
      if (!present[i]) continue;
      const d = ipvs.dests[i]!;
      view[destId(i)] = { weight: d.weight, upper: d.upper, lower: d.lower, activeConns: d.active, inactiveConns: d.inactive.length, cps: (d.bound - twoAgo[i]!) / 2 };
    }
    const decision = policy.decide({ now: t, reports: pending.splice(0), kernel: { services: { [SERVICE_ID]: view } } });
    if (decision) {
      decision.weights.forEach((w, i) => {
        if (!present[i]) return;
        if (w !== weights[i] && t >= warmMs) weightChanges++;
        ipvs.setWeight(i, w);
      });
      weights = [...decision.weights];
      decision.thresholds?.forEach((th, i) => ipvs.setThresholds(i, th.upper, th.lower));
      sorryActive = Boolean(decision.sorry);
    }
    q.at(t + CONTROL_MS, control);
  };
  q.at(CONTROL_MS / 2, control);

  // Series for plots and the rejoin peak.
  const lastSeriesBusy = new Array<number>(n).fill(0);
  let rejoinPeakUtil: number | undefined;
  const record = (): void => {
    const t = q.now;
    const util = servers.map((s, i) => {
      s.remainingWork(t);
      const u = (s.busyIntegral - lastSeriesBusy[i]!) / 2;
      lastSeriesBusy[i] = s.busyIntegral;
      return u;
    });
    series.push({ t: t / 1000, weights: ipvs.dests.map((d, i) => (present[i] ? d.weight : 0)), util });
    if (spec.rejoin && t > spec.rejoin.atS * 1000 && t <= (spec.rejoin.atS + 60) * 1000) rejoinPeakUtil = Math.max(rejoinPeakUtil ?? 0, util[spec.rejoin.server]!);
    q.at(t + 2_000, record);
  };
  q.at(2_000, record);

  // Utilisation over the measured window.
  const busyAtWarm = new Array<number>(n).fill(0);
  q.at(warmMs, () => servers.forEach((s, i) => {
    s.remainingWork(q.now);
    busyAtWarm[i] = s.busyIntegral;
  }));
  q.runUntil(endMs);
  const utilisation = servers.map((s, i) => {
    s.remainingWork(endMs);
    return (s.busyIntegral - busyAtWarm[i]!) / ((endMs - warmMs) / 1000);
  });
  return {
    responses: Float64Array.from(responses),
    windowResponses: Float64Array.from(windowResponses),
    utilisation,
    refused,
    sorry,
    weightChanges,
    series,
    ...(rejoinPeakUtil !== undefined ? { rejoinPeakUtil } : {}),
    events,
  };
}
