// Runs one scenario under one policy with one seed: arrivals, IPVS dispatch (one service per director), connection
// life cycles as the kernel's table counts them, processor-sharing servers, agents that sample and report, and the
// policy deciding once per control interval. Deterministic for a seed.
import type { KernelDest, ReceivedReport } from '../../director/core/observation.js';
import { EventQueue } from '../engine/event-queue.js';
import { Prng } from '../engine/prng.js';
import { agentId, destId, SERVICE_ID, type Policy, type PolicyDecision } from '../policies/policy.js';
import { reportOf, type Sample } from './agent-report.js';
import { phaseCourse, type PhaseCourse } from './connection-phases.js';
import { connectionPlanner, type ConnectionPlan } from './connection-plan.js';
import { inactiveConns, IpvsService } from './ipvs-scheduler.js';
import { PsServer } from './ps-server.js';
import { bestPsServer } from '../references/ps-dispatch.js';
import { RequestLog, type RequestRecord } from './request-log.js';
import type { ScenarioSpec } from './scenario-spec.js';

export interface SeriesPoint {
  readonly t: number;
  readonly weights: readonly number[];
  /** CPU utilisation over the last 2 s, 0..1. */
  readonly util: readonly number[];
}

export interface RunResult {
  /** Response times (s) of requests that reached the server side in the measured window. */
  readonly responses: Float64Array;
  readonly windowResponses: Float64Array;
  readonly utilisation: readonly number[];
  readonly refused: number;
  readonly sorry: number;
  /** Weight changes director 0 made in the measured window. */
  readonly weightChanges: number;
  readonly series: readonly SeriesPoint[];
  /** Highest 2 s utilisation of the rejoining server in the minute after it rejoined. */
  readonly rejoinPeakUtil?: number;
  readonly events: number;
  /**
   * Every request offered to the servers, warm-up included, in order of arrival at the server side, with its work.
   * A connection refused or sent to the sorry server counts with its first request only (it never sends more).
   */
  readonly requests: RequestRecord;
}

const CONTROL_MS = 1_000;
const SAMPLE_MS = 1_000;
const REPORT_MS = 2_000;

/** One real server during a run: the model server and what the agent and the plots read of it. */
interface Node {
  readonly server: PsServer;
  /** In the IPVS table (a rejoining server is out until it rejoins). */
  present: boolean;
  /** Established TCP connections on the server: its sockets, from the client's ACK to its own FIN or the client's. */
  established: number;
  /** Handshakes it completed since the last sample. */
  opensInSecond: number;
  /** Samples since the last report. */
  readonly samples: Sample[];
  /** Its busy integral at the last sample, the last plot point and the end of the warm-up. */
  sampleBusy: number;
  seriesBusy: number;
  warmBusy: number;
  /** Utilisation over the last 2 s, as last plotted. */
  seriesUtil: number;
}

/** One director: its own IPVS service, the policy deciding for it (none: it applies director 0's decisions). */
interface Director {
  readonly ipvs: IpvsService;
  readonly policy: Policy | undefined;
  weights: number[];
  sorryActive: boolean;
  /** Connections bound to each destination as of one and of two decisions ago (the first decision sees its own count for both). */
  readonly boundOneAgo: (number | undefined)[];
  readonly boundTwoAgo: (number | undefined)[];
}

/**
 * `policy`: one policy, which decides for every director (fed director 0's table), or one per director (each fed its
 * own table, all the same reports). The number of directors is the spec's, else the number of policies given.
 */
export function runScenario(spec: ScenarioSpec, policy: Policy | readonly [Policy, ...Policy[]], seed: number): RunResult {
  const q = new EventQueue();
  const rng = new Prng(seed);
  const arrivalsRng = rng.fork(1);
  const workRng = rng.fork(2);
  const noiseRng = rng.fork(3);
  const lifeRng = rng.fork(4);
  const splitRng = rng.fork(5);
  const nodes: Node[] = spec.servers.map((s, i) => ({
    server: new PsServer(s.cores, s.speed, q),
    present: spec.rejoin?.server !== i,
    established: 0,
    opensInSecond: 0,
    samples: [],
    sampleBusy: 0,
    seriesBusy: 0,
    warmBusy: 0,
    seriesUtil: 0,
  }));
  const policies: readonly [Policy, ...Policy[]] = 'decide' in policy ? [policy] : policy;
  const lead = policies[0];
  const director = (k: number): Director => {
    const own = k === 0 ? lead : policies.length > 1 ? policies[k] : undefined;
    const p = own ?? lead;
    const weights = p.initialWeights(nodes.length);
    const ipvs = new IpvsService(weights, p.scheduler === 'oracle' ? 'wlc' : p.scheduler);
    if (spec.rejoin) ipvs.setWeight(spec.rejoin.server, 0);
    return { ipvs, policy: own, weights, sorryActive: false, boundOneAgo: [], boundTwoAgo: [] };
  };
  const first = director(0);
  const directors: readonly Director[] = [first, ...Array.from({ length: Math.max(1, spec.directors ?? policies.length) - 1 }, (_, k) => director(k + 1))];
  const endMs = spec.durationS * 1000;
  const warmMs = spec.warmupS * 1000;
  const responses: number[] = [];
  const windowResponses: number[] = [];
  let refused = 0;
  let sorry = 0;
  let weightChanges = 0;
  let events = 0;
  const series: SeriesPoint[] = [];

  // Connection life cycles: the kernel's table walked once per phase for this forwarding method.
  const rtt = spec.connections?.rttMs ?? 0;
  const method = spec.connections?.method ?? 'nat';
  const opening = phaseCourse(method, 'open');
  const serverClose = phaseCourse(method, 'serverClose');
  const clientClose = phaseCourse(method, 'clientClose');
  const udp = spec.protocol === 'udp-ops';
  const kernelCounters = spec.kernelCounters === 'kernel';
  const plan = connectionPlanner(spec.classes, spec.connections, workRng, lifeRng);
  const log = new RequestLog(rtt > 0);
  /** Runs `f` at `at`: at once when that is now (a LAN's zero round trip), else as an event. */
  const after = (at: number, f: (t: number) => void): void => {
    if (at <= q.now) f(q.now);
    else q.at(at, () => f(q.now));
  };

  /** A measured response: every request that reached a server after the warm-up, and the window's. */
  const measured = (t: number, r: number): void => {
    responses.push(r);
    if (spec.window && t >= spec.window.fromS * 1000 && t < spec.window.toS * 1000) windowResponses.push(r);
  };
  /** Requests still in service, by arrival order: at the end they count with the time they have taken so far. */
  const inService = new Map<number, { t: number; netMs: number }>();
  let served = 0;
  /** A request reaching its server at `t`; its response reaches the client `netMs` after the server is done. */
  const serve = (node: Node, t: number, work: number, netMs: number, then: (done: number) => void): void => {
    log.push(t, work, netMs / 1000);
    const id = served++;
    if (t >= warmMs) inService.set(id, { t, netMs });
    node.server.add(t, work, (done) => {
      events++;
      if (inService.delete(id)) measured(t, (done - t + netMs) / 1000);
      then(done);
    });
  };

  /** A TCP connection the director scheduled to server `i` at `t0`, living as its plan says. */
  const connect = (ipvs: IpvsService, i: number, node: Node, t0: number, c: ConnectionPlan): void => {
    if (rtt === 0 && c.more === undefined && c.idleMs === undefined) {
      // One request on a LAN: every phase at once (the same course, no events): the entry is established as it is
      // scheduled and turns inactive as the server closes with its response.
      ipvs.bind(i);
      node.established++;
      node.opensInSecond++;
      serve(node, t0, c.work, 0, (done) => {
        node.established--;
        ipvs.closeAt(i, done + serverClose.timeoutMs);
      });
      return;
    }
    const n = 1 + (c.more?.works.length ?? 0);
    const close = (course: PhaseCourse, t: number): void => {
      node.established--;
      const expiresAt = t + course.lastAtRtt * rtt + course.timeoutMs;
      after(t + (course.changeAtRtt ?? 0) * rtt, () => ipvs.closeAt(i, expiresAt));
    };
    const send = (k: number, t: number): void => {
      serve(node, t, k === 0 ? c.work : (c.more?.works[k - 1] ?? 0), (k === 0 ? 1.5 : 0.5) * rtt, (done) => {
        // The client gets the response half a round trip later; what it sends next takes another half.
        if (k + 1 < n) after(done + rtt + (c.more?.thinksMs[k] ?? 0), (at) => send(k + 1, at));
        else if (c.idleMs === undefined) close(serverClose, done);
        else after(done + rtt + c.idleMs, (at) => close(clientClose, at));
      });
    };
    if (opening.activeAtStart) ipvs.bind(i);
    else ipvs.open(i);
    after(t0 + (opening.changeAtRtt ?? 0) * rtt, (t) => {
      if (!opening.activeAtStart) ipvs.establish(i);
      node.established++;
      node.opensInSecond++;
      send(0, t);
    });
  };

  // Arrivals (Poisson at the scenario's rate), split between the directors, and dispatch.
  const scheduleArrival = (t: number): void => {
    const rate = spec.rate(t / 1000);
    q.at(t + arrivalsRng.exp(1000 / rate), () => arrive(q.now));
  };
  const arrive = (t: number): void => {
    events++;
    const c = plan();
    const d = directors.length > 1 ? (directors[Math.floor(splitRng.next() * directors.length)] ?? first) : first;
    let i = -1;
    if (lead.scheduler === 'oracle') {
      d.ipvs.advanceRates(t);
      // Perfect, instant knowledge: the server whose total response time grows least with this request.
      i = bestPsServer(nodes.map(({ server, present }) => ({ remaining: server.remainingWorks(t), cores: server.cores, speed: server.speed * server.factor, background: server.background, present })), c.work);
    } else {
      i = d.ipvs.pick(t);
    }
    const node = nodes[i];
    if (node === undefined) {
      if (d.sorryActive) sorry++;
      else refused++;
      if (udp) log.push(t, c.work, rtt / 2000);
      else log.push(t + rtt, c.work, (1.5 * rtt) / 1000);
    } else if (udp) {
      d.ipvs.onePacket(i);
      serve(node, t, c.work, rtt / 2, () => undefined);
    } else {
      connect(d.ipvs, i, node, t, c);
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
  const slowing = spec.degrade && nodes[spec.degrade.server];
  if (spec.degrade && slowing) {
    // The speed falls in steps of a second or so.
    const { fromS, toS, factor } = spec.degrade;
    const steps = Math.max(1, Math.round(toS - fromS));
    for (let k = 0; k <= steps; k++) q.at((fromS + ((toS - fromS) * k) / steps) * 1000, () => slowing.server.setFactor(q.now, 1 - ((1 - factor) * k) / steps));
  }
  const rejoining = spec.rejoin && nodes[spec.rejoin.server];
  if (spec.rejoin && rejoining) {
    const r = spec.rejoin;
    q.at(r.atS * 1000, () => {
      rejoining.present = true;
      // A health checker adds it back at its configured weight (the policy's current weight for it).
      for (const d of directors) d.ipvs.setWeight(r.server, Math.max(1, d.weights[r.server] ?? 100));
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
      node.samples.push({ util, runq: s.jobs / s.cores, est: node.established, opens: node.opensInSecond });
      node.opensInSecond = 0;
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
      const msg = reportOf(got, seq++, t, REPORT_MS);
      const at = t + (spec.reportDelayMs ?? 20);
      q.at(at, () => pending.push({ agentId: agentId(i), receivedAt: at, report: msg }));
    });
    q.at(t + REPORT_MS, report);
  };
  q.at(REPORT_MS, report);

  // The directors: one decision per control interval each, from the same reports.
  const kernelView = (d: Director, t: number): Record<string, KernelDest> => {
    const view: Record<string, KernelDest> = {};
    if (kernelCounters) d.ipvs.advanceRates(t);
    d.ipvs.dests.forEach((x, i) => {
      const node = nodes[i];
      if (node === undefined) return;
      const twoAgo = d.boundTwoAgo[i] ?? x.bound;
      d.boundTwoAgo[i] = d.boundOneAgo[i] ?? x.bound;
      d.boundOneAgo[i] = x.bound;
      if (!node.present) return;
      const counters = kernelCounters ? { cps: x.rate.cps, conns: x.bound } : { cps: (x.bound - twoAgo) / 2 };
      view[destId(i)] = { weight: x.weight, upper: x.upper, lower: x.lower, activeConns: x.active, inactiveConns: inactiveConns(x), ...counters };
    });
    return view;
  };
  const apply = (d: Director, decision: PolicyDecision, t: number, counted: boolean): void => {
    decision.weights.forEach((w, i) => {
      if (!nodes[i]?.present) return;
      if (counted && w !== d.weights[i] && t >= warmMs) weightChanges++;
      d.ipvs.setWeight(i, w);
    });
    d.weights = [...decision.weights];
    decision.thresholds?.forEach((th, i) => d.ipvs.setThresholds(i, th.upper, th.lower));
    d.sorryActive = Boolean(decision.sorry);
  };
  const control = (): void => {
    const t = q.now;
    const reports = pending.splice(0);
    let firstDecision: PolicyDecision | undefined;
    directors.forEach((d, k) => {
      d.ipvs.expire(t);
      const decision = d.policy ? d.policy.decide({ now: t, reports, kernel: { services: { [SERVICE_ID]: kernelView(d, t) } } }) : firstDecision;
      if (k === 0) firstDecision = decision;
      if (decision) apply(d, decision, t, k === 0);
    });
    q.at(t + CONTROL_MS, control);
  };
  q.at(CONTROL_MS / 2, control);

  // Series for plots and the rejoin peak (director 0's weights).
  let rejoinPeakUtil: number | undefined;
  const record = (): void => {
    const t = q.now;
    const util = nodes.map((node) => {
      node.server.remainingWork(t);
      node.seriesUtil = (node.server.busyIntegral - node.seriesBusy) / 2;
      node.seriesBusy = node.server.busyIntegral;
      return node.seriesUtil;
    });
    series.push({ t: t / 1000, weights: first.ipvs.dests.map((d, i) => (nodes[i]?.present ? d.weight : 0)), util });
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
  // Unfinished at the end: at least as long as they have taken (dropping them would flatter an unstable policy).
  for (const { t, netMs } of inService.values()) measured(t, (endMs - t + netMs) / 1000);
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
    requests: log.finish(),
  };
}
