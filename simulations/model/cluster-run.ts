// Runs one scenario under one policy with one seed: arrivals, IPVS dispatch, processor-sharing servers, agents that
// sample and report, and the policy deciding once per control interval. Deterministic for a seed.
import type { KernelDest, ReceivedReport } from '../../director/core/observation.js';
import type { ReportMessage } from '../../shared/protocol/messages.js';
import { EventQueue } from '../engine/event-queue.js';
import { Prng } from '../engine/prng.js';
import { agentId, destId, SERVICE_ID, type Policy } from '../policies/policy.js';
import { IpvsService } from './ipvs-scheduler.js';
import { PsServer } from './ps-server.js';
import { classPicker } from './request-mix.js';
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

/** One second of an agent's view of its server. */
interface Sample {
  readonly util: number;
  readonly runq: number;
  readonly est: number;
  readonly opens: number;
}

/** One real server during a run: the model server and what the agent, the director's view and the plots read of it. */
interface Node {
  readonly server: PsServer;
  /** In the IPVS table (a rejoining server is out until it rejoins). */
  present: boolean;
  /** Connections it was sent since the last sample. */
  arrivalsInSecond: number;
  /** Samples since the last report. */
  readonly samples: Sample[];
  /** Its busy integral at the last sample, the last plot point and the end of the warm-up. */
  sampleBusy: number;
  seriesBusy: number;
  warmBusy: number;
  /** Utilisation over the last 2 s, as last plotted. */
  seriesUtil: number;
  /** Connections bound to it as of one and of two decisions ago (the first decision sees its own count for both). */
  boundOneAgo: number | undefined;
  boundTwoAgo: number | undefined;
}

export function runScenario(spec: ScenarioSpec, policy: Policy, seed: number): RunResult {
  const q = new EventQueue();
  const rng = new Prng(seed);
  const arrivalsRng = rng.fork(1);
  const workRng = rng.fork(2);
  const noiseRng = rng.fork(3);
  const nodes: Node[] = spec.servers.map((s, i) => ({
    server: new PsServer(s.cores, s.speed, q),
    present: spec.rejoin?.server !== i,
    arrivalsInSecond: 0,
    samples: [],
    sampleBusy: 0,
    seriesBusy: 0,
    warmBusy: 0,
    seriesUtil: 0,
    boundOneAgo: undefined,
    boundTwoAgo: undefined,
  }));
  let weights = policy.initialWeights(nodes.length);
  const ipvs = new IpvsService(weights, policy.scheduler === 'oracle' ? 'wlc' : policy.scheduler);
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

  // Arrivals (Poisson at the scenario's rate) and dispatch.
  const classOf = classPicker(spec.classes);
  const scheduleArrival = (t: number): void => {
    const rate = spec.rate(t / 1000);
    q.at(t + arrivalsRng.exp(1000 / rate), () => arrive(q.now));
  };
  const arrive = (t: number): void => {
    events++;
    const cls = classOf(workRng.next());
    const work = workRng.lognormal(cls.meanWork, cls.cv);
    let i = -1;
    if (policy.scheduler === 'oracle') {
      // Perfect, instant knowledge: the server that would finish this request's share of work soonest.
      let best = Infinity;
      nodes.forEach(({ server, present }, k) => {
        if (!present) return;
        const v = (server.remainingWork(t) + work) / server.capacity;
        if (v < best) {
          best = v;
          i = k;
        }
      });
    } else {
      i = ipvs.pick(t);
    }
    const node = nodes[i];
    if (node === undefined) {
      if (sorryActive) sorry++;
      else refused++;
    } else {
      ipvs.bind(i);
      node.arrivalsInSecond++;
      const started = t;
      node.server.add(t, work, (done) => {
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

  // Scenario events (a server the scenario names that is not in it has none).
  const withJob = spec.background && nodes[spec.background.server];
  if (spec.background && withJob) {
    const b = spec.background;
    q.at(b.fromS * 1000, () => withJob.server.setBackground(q.now, b.threads));
    q.at(b.toS * 1000, () => withJob.server.setBackground(q.now, 0));
  }
  const rejoining = spec.rejoin && nodes[spec.rejoin.server];
  if (spec.rejoin && rejoining) {
    const r = spec.rejoin;
    q.at(r.atS * 1000, () => {
      rejoining.present = true;
      // A health checker adds it back at its configured weight (the policy's current weight for it).
      ipvs.setWeight(r.server, Math.max(1, weights[r.server] ?? 100));
    });
  }

  // Agents: a sample every second, a report every two, delivered after a delay.
  const pending: ReceivedReport[] = [];
  let seq = 0;
  const sample = (): void => {
    const t = q.now;
    for (const node of nodes) {
      const s = node.server;
      s.remainingWork(t); // brings its busy integral up to now
      const busyFraction = (s.busyIntegral - node.sampleBusy) / (SAMPLE_MS / 1000);
      node.sampleBusy = s.busyIntegral;
      const util = Math.min(100, Math.max(0, busyFraction * 100 + (spec.noisePct ? noiseRng.normal() * spec.noisePct : 0)));
      node.samples.push({ util, runq: s.jobs / s.cores, est: s.jobs, opens: node.arrivalsInSecond });
      node.arrivalsInSecond = 0;
    }
    q.at(t + SAMPLE_MS, sample);
  };
  q.at(SAMPLE_MS, sample);
  const report = (): void => {
    const t = q.now;
    nodes.forEach((node, i) => {
      const got = node.samples.splice(0);
      const silent = spec.silent && spec.silent.servers.includes(i) && t >= spec.silent.fromS * 1000 && t < spec.silent.toS * 1000;
      if (silent || got.length === 0 || !node.present) return;
      const stat = (f: (x: Sample) => number) => {
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
    });
    q.at(t + REPORT_MS, report);
  };
  q.at(REPORT_MS, report);

  // The director: one decision per control interval.
  const control = (): void => {
    const t = q.now;
    ipvs.expire(t);
    const view: Record<string, KernelDest> = {};
    ipvs.dests.forEach((d, i) => {
      const node = nodes[i];
      if (node === undefined) return;
      const twoAgo = node.boundTwoAgo ?? d.bound;
      node.boundTwoAgo = node.boundOneAgo ?? d.bound;
      node.boundOneAgo = d.bound;
      if (!node.present) return;
      view[destId(i)] = { weight: d.weight, upper: d.upper, lower: d.lower, activeConns: d.active, inactiveConns: d.inactive.length, cps: (d.bound - twoAgo) / 2 };
    });
    const decision = policy.decide({ now: t, reports: pending.splice(0), kernel: { services: { [SERVICE_ID]: view } } });
    if (decision) {
      decision.weights.forEach((w, i) => {
        if (!nodes[i]?.present) return;
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
  let rejoinPeakUtil: number | undefined;
  const record = (): void => {
    const t = q.now;
    const util = nodes.map((node) => {
      node.server.remainingWork(t);
      node.seriesUtil = (node.server.busyIntegral - node.seriesBusy) / 2;
      node.seriesBusy = node.server.busyIntegral;
      return node.seriesUtil;
    });
    series.push({ t: t / 1000, weights: ipvs.dests.map((d, i) => (nodes[i]?.present ? d.weight : 0)), util });
    if (spec.rejoin && rejoining && t > spec.rejoin.atS * 1000 && t <= (spec.rejoin.atS + 60) * 1000) rejoinPeakUtil = Math.max(rejoinPeakUtil ?? 0, rejoining.seriesUtil);
    q.at(t + 2_000, record);
  };
  q.at(2_000, record);

  // Utilisation over the measured window.
  q.at(warmMs, () => {
    for (const node of nodes) {
      node.server.remainingWork(q.now);
      node.warmBusy = node.server.busyIntegral;
    }
  });
  q.runUntil(endMs);
  const utilisation = nodes.map((node) => {
    node.server.remainingWork(endMs);
    return (node.server.busyIntegral - node.warmBusy) / ((endMs - warmMs) / 1000);
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
