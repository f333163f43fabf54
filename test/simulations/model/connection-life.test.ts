// The runner's connections live as the kernel counts them: what a policy is shown of the table at each decision
// (ActiveConn, InActConn, Conns, CPS) is checked against the connections the run's own request log says it had.
import { describe, expect, it } from 'vitest';
import type { KernelDest, ReceivedReport } from '../../../director/core/observation.js';
import { runScenario } from '../../../simulations/model/cluster-run.js';
import type { Scheduler } from '../../../simulations/model/ipvs-scheduler.js';
import { ESTIMATOR_START, estimatorCps, estimatorTick, type EstimatorState } from '../../../simulations/model/rate-estimator.js';
import type { ConnectionSpec, ScenarioSpec } from '../../../simulations/model/scenario-spec.js';
import { destId, SERVICE_ID, type Policy, type PolicyDecision } from '../../../simulations/policies/policy.js';

/** 1 ms of work exactly (a log-normal with no spread), so a request alone on its server is done 1 ms after it came. */
const WORK_MS = 1;
const probeSpec = (o: Partial<ScenarioSpec>): ScenarioSpec => ({
  name: 'probe',
  title: 'probe',
  servers: [{ cores: 1, speed: 1 }],
  classes: [{ share: 1, meanWork: WORK_MS / 1000, cv: 0 }],
  rate: () => 0.2,
  durationS: 400,
  warmupS: 0,
  kernelCounters: 'kernel',
  ...o,
});

interface Seen {
  readonly t: number;
  readonly dests: readonly (KernelDest | undefined)[];
}

/** A policy that keeps its weights (or changes them when told) and records what it was shown. */
function probe(scheduler: Scheduler, servers: number, change?: (now: number) => PolicyDecision | undefined) {
  const seen: Seen[] = [];
  const reports: ReceivedReport[] = [];
  const policy: Policy = {
    name: 'probe',
    scheduler,
    initialWeights: (n) => Array.from({ length: n }, () => 100),
    decide(input) {
      const view = input.kernel.services[SERVICE_ID] ?? {};
      seen.push({ t: input.now, dests: Array.from({ length: servers }, (_, i) => view[destId(i)]) });
      reports.push(...input.reports);
      return change?.(input.now);
    },
  };
  return { policy, seen, reports };
}

/** Counts at time t over intervals [from, to): how many contain t. */
const within = (t: number, spans: readonly (readonly [number, number])[]): number => spans.filter(([a, b]) => a <= t && t < b).length;
/** Whether t is within `guard` ms of any interval's ends (requests sharing the server may shift them by a hair). */
const nearEdge = (t: number, spans: readonly (readonly [number, number])[], guard = 5): boolean => spans.some(([a, b]) => Math.abs(t - a) < guard || Math.abs(t - b) < guard);

describe('connection life cycles as the kernel counts them', () => {
  const RTT = 900;

  for (const method of ['nat', 'dr'] as const) {
    it(`short connections, ${RTT} ms away, ${method.toUpperCase()}: SYN_RECV inactive for one round trip, then active while served, then inactive for 120 s after the client's last packet`, () => {
      const p = probe('wlc', 1);
      const run = runScenario(probeSpec({ connections: { rttMs: RTT, method } }), p.policy, 11);
      // Each connection's first (only) request reached the server a round trip after its SYN.
      const arrivals = Array.from(run.requests.t);
      expect(arrivals.length).toBeGreaterThan(50);
      const syn = arrivals.map((t) => [t - RTT, t] as const);
      const done = arrivals.map((t) => t + WORK_MS);
      // NAT sees the server's FIN as it is sent; DR only the client's FIN, a round trip later. Either way the entry
      // goes 120 s after the client's last packet, which comes a round trip after the server's FIN.
      const active = arrivals.map((t, k) => [t, (done[k] ?? 0) + (method === 'dr' ? RTT : 0)] as const);
      const closing = done.map((d) => [d + (method === 'dr' ? RTT : 0), d + RTT + 120_000] as const);
      let checked = 0;
      let sawSynRecv = 0;
      let sawDifference = 0;
      for (const s of p.seen) {
        if (nearEdge(s.t, [...syn, ...active, ...closing])) continue;
        checked++;
        const d = s.dests[0];
        expect({ t: s.t, active: d?.activeConns, inactive: d?.inactiveConns }).toEqual({ t: s.t, active: within(s.t, active), inactive: within(s.t, syn) + within(s.t, closing) });
        // Conns counts a connection as it is scheduled, at its SYN.
        expect(d?.conns).toBe(arrivals.filter((t) => t - RTT <= s.t).length);
        if (within(s.t, syn) > 0) sawSynRecv++;
        if (done.some((x) => x <= s.t && s.t < x + RTT)) sawDifference++;
      }
      expect(checked).toBeGreaterThan(300);
      // The decisions caught connections in SYN_RECV, and in the round trip where NAT and DR count differently.
      expect(sawSynRecv).toBeGreaterThan(20);
      expect(sawDifference).toBeGreaterThan(20);
      // Response time: the handshake round trip, the work, half a round trip back.
      const expected = (1.5 * RTT + WORK_MS) / 1000;
      expect(Array.from(run.responses).filter((r) => Math.abs(r - expected) < 1e-6).length / run.responses.length).toBeGreaterThan(0.99);
      expect(new Set(run.requests.netS)).toEqual(new Set([(1.5 * RTT) / 1000]));
    });
  }

  it('a keep-alive connection is active (and established on the server) while it idles 5 s after its response, then inactive for 120 s', () => {
    const p = probe('wlc', 1);
    const run = runScenario(probeSpec({ connections: { keepAliveS: 5 } }), p.policy, 12);
    const arrivals = Array.from(run.requests.t);
    const active = arrivals.map((t) => [t, t + WORK_MS + 5_000] as const);
    const closing = arrivals.map((t) => [t + WORK_MS + 5_000, t + WORK_MS + 5_000 + 120_000] as const);
    let idle = 0;
    for (const s of p.seen) {
      if (nearEdge(s.t, [...active, ...closing])) continue;
      const d = s.dests[0];
      expect({ t: s.t, active: d?.activeConns, inactive: d?.inactiveConns }).toEqual({ t: s.t, active: within(s.t, active), inactive: within(s.t, closing) });
      if ((d?.activeConns ?? 0) > 0 && !arrivals.some((t) => t <= s.t && s.t < t + WORK_MS)) idle++;
    }
    expect(idle).toBeGreaterThan(100);
    // The agent sees the idle connection too: established, with no request in progress.
    expect(p.reports.some((r) => (r.report.metrics.established?.max ?? 0) >= 1 && r.report.metrics.run_queue_per_core?.max === 0)).toBe(true);
  });

  it('keep-alive with several requests: each sent a round trip after the previous response (no think time), about 3 per connection (geometric)', () => {
    const RT = 100;
    const spec = probeSpec({ connections: { rttMs: RT, requestsPerConnection: 3 }, rate: () => 0.05, durationS: 20_000 });
    const run = runScenario(spec, probe('wlc', 1).policy, 13);
    const t = Array.from(run.requests.t);
    // A request that came exactly work + a round trip after an earlier one continues that one's connection (another
    // connection's requests may come in between).
    const gap = WORK_MS + RT;
    const connectionOf: number[] = [];
    const sizes: number[] = [];
    t.forEach((x, k) => {
      let c = -1;
      for (let j = k - 1; j >= 0 && j >= k - 10; j--) if (Math.abs(x - (t[j] ?? 0) - gap) < 1e-6) c = connectionOf[j] ?? -1;
      if (c < 0) {
        c = sizes.length;
        sizes.push(0);
      }
      connectionOf.push(c);
      sizes[c] = (sizes[c] ?? 0) + 1;
    });
    expect(sizes.length).toBeGreaterThan(800);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(Math.abs(mean - 3)).toBeLessThan(0.25);
    expect(Math.max(...sizes)).toBeGreaterThan(8);
    // The first request of a connection pays the handshake; later ones only the response's way back.
    const first = (1.5 * RT + WORK_MS) / 1000;
    const later = (0.5 * RT + WORK_MS) / 1000;
    const r = Array.from(run.responses);
    expect(r.filter((x) => Math.abs(x - first) < 1e-6).length / sizes.length).toBeGreaterThan(0.99);
    expect(r.filter((x) => Math.abs(x - later) < 1e-6).length / (t.length - sizes.length)).toBeGreaterThan(0.99);
  });

  it('long sessions hold their connection active for the whole session: mean ActiveConn ≈ sessions per second × 30 s, 16 requests each', () => {
    const sessions: ConnectionSpec = { sessionS: 30, thinkS: 2 };
    const p = probe('wlc', 1);
    const run = runScenario(probeSpec({ connections: sessions, rate: () => 1, durationS: 1_500, servers: [{ cores: 4, speed: 1 }] }), p.policy, 14);
    const steady = p.seen.filter((s) => s.t > 300_000);
    const meanActive = steady.reduce((a, s) => a + (s.dests[0]?.activeConns ?? 0), 0) / steady.length;
    expect(Math.abs(meanActive - 30) / 30).toBeLessThan(0.1);
    const conns = p.seen.at(-1)?.dests[0]?.conns ?? 0;
    expect(Math.abs(run.requests.t.length / conns - 16) / 16).toBeLessThan(0.1);
  });

  it('UDP with one-packet scheduling leaves no entries: ActiveConn and InActConn 0 at every decision, Conns counts datagrams, and wlc sends them all to the first server', () => {
    const servers = [{ cores: 2, speed: 1 }, { cores: 2, speed: 1 }, { cores: 2, speed: 1 }];
    const spec = probeSpec({ protocol: 'udp-ops', servers, rate: () => 100, durationS: 60 });
    const lc = probe('wlc', 3);
    const run = runScenario(spec, lc.policy, 15);
    expect(lc.seen.every((s) => s.dests.every((d) => d?.activeConns === 0 && d.inactiveConns === 0))).toBe(true);
    const last = lc.seen.at(-1);
    expect(last?.dests.map((d) => d?.conns)).toEqual([run.requests.t.length - countAfter(run.requests.t, last?.t ?? 0), 0, 0]);
    expect(run.utilisation.slice(1)).toEqual([0, 0]);
    // The agents see no TCP at all.
    expect(lc.reports.every((r) => r.report.metrics.established?.max === 0 && r.report.metrics.tcp_passive_opens_per_s?.max === 0)).toBe(true);
    // wrr does spread them: a third each.
    const rr = probe('wrr', 3);
    runScenario(spec, rr.policy, 15);
    const shares = (rr.seen.at(-1)?.dests ?? []).map((d) => d?.conns ?? 0);
    const total = shares.reduce((a, b) => a + b, 0);
    for (const s of shares) expect(Math.abs(s / total - 1 / 3)).toBeLessThan(0.01);
  });

  it('shows the kernel estimator as CPS (integer, ¼ per 2 s) and the cumulative Conns; today’s exact 2 s count without Conns by default', () => {
    const spec = probeSpec({ rate: () => 3.3, durationS: 120 });
    const p = probe('wlc', 1);
    const run = runScenario(spec, p.policy, 16);
    const arrivals = Array.from(run.requests.t);
    let checked = 0;
    for (const s of p.seen) {
      // The estimator ticked every 2 s up to this decision on the connections scheduled before each tick.
      let e: EstimatorState = ESTIMATOR_START;
      for (let tick = 2_000; tick <= s.t; tick += 2_000) e = estimatorTick(e, arrivals.filter((a) => a < tick).length);
      expect({ t: s.t, cps: s.dests[0]?.cps }).toEqual({ t: s.t, cps: estimatorCps(e) });
      expect(s.dests[0]?.conns).toBe(arrivals.filter((a) => a <= s.t).length);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(new Set(p.seen.map((s) => s.dests[0]?.cps)).size).toBeGreaterThan(2);
    // Without the option: the connections of the last two decisions ÷ 2 s, and no Conns.
    const exact = probe('wlc', 1);
    runScenario({ ...spec, kernelCounters: undefined }, exact.policy, 16);
    expect(exact.seen.every((s) => s.dests[0]?.conns === undefined)).toBe(true);
    expect(exact.seen.some((s) => !Number.isInteger(s.dests[0]?.cps))).toBe(true);
  });
});

describe('runs with life cycles', () => {
  it('are deterministic for a seed, requests and all; another seed draws other connections', () => {
    const spec = probeSpec({ connections: { rttMs: 20, requestsPerConnection: 3, thinkS: 0.5, keepAliveS: 2 }, rate: () => 20, durationS: 60, directors: 2 });
    const run = (seed: number) => runScenario(spec, probe('nq', 1).policy, seed);
    const [one, two, other] = [run(21), run(21), run(22)];
    expect(two).toEqual(one);
    expect(Array.from(other.requests.t.subarray(0, 50))).not.toEqual(Array.from(one.requests.t.subarray(0, 50)));
  });
});

describe('active/active directors', () => {
  const servers = [{ cores: 2, speed: 1 }, { cores: 2, speed: 1 }];
  // 50 requests of 20 ms per second: a quarter of the cluster, half of one server.
  const spec = probeSpec({ servers, classes: [{ share: 1, meanWork: 0.02, cv: 0 }], rate: () => 50, durationS: 100, directors: 2 });

  it('split the arrivals: each director’s own table counts about half the connections', () => {
    const a = probe('wlc', 2);
    const b = probe('wlc', 2);
    const run = runScenario(spec, [a.policy, b.policy], 17);
    const conns = (x: typeof a) => (x.seen.at(-1)?.dests ?? []).reduce((s, d) => s + (d?.conns ?? 0), 0);
    const total = run.requests.t.length - countAfter(run.requests.t, a.seen.at(-1)?.t ?? 0);
    expect(conns(a) + conns(b)).toBe(total);
    expect(Math.abs(conns(a) / total - 0.5)).toBeLessThan(0.03);
    // One director alone sees them all.
    const one = probe('wlc', 2);
    const alone = runScenario({ ...spec, directors: 1 }, one.policy, 17);
    expect(conns(one)).toBe(alone.requests.t.length - countAfter(alone.requests.t, one.seen.at(-1)?.t ?? 0));
  });

  it('with one policy apply its decisions to both tables: a server it takes out gets nothing from either director', () => {
    const out = probe('wlc', 2, (now) => (now > 50_000 ? { weights: [0, 100] } : undefined));
    const run = runScenario(spec, out.policy, 18);
    // Server 0 idles from a little after 50 s on (its last requests take milliseconds), whichever director a client hit.
    const late = run.series.filter((p) => p.t > 53);
    expect(late.length).toBeGreaterThan(10);
    expect(late.every((p) => p.util[0] === 0)).toBe(true);
    expect(late.every((p) => (p.util[1] ?? 0) > 0.3)).toBe(true);
  });
});

describe('a degrading server', () => {
  it('loses speed linearly to the factor: the same load takes 1 ÷ 0.3 as much of its CPU at the end', () => {
    const spec = probeSpec({ classes: [{ share: 1, meanWork: 0.01, cv: 1 }], rate: () => 20, durationS: 200, degrade: { server: 0, fromS: 40, toS: 100, factor: 0.3 } });
    const run = runScenario(spec, probe('wlc', 1).policy, 19);
    const mean = (from: number, to: number) => {
      const pts = run.series.filter((p) => p.t > from && p.t <= to);
      return pts.reduce((a, p) => a + (p.util[0] ?? 0), 0) / pts.length;
    };
    const before = mean(10, 40);
    const after = mean(110, 200);
    expect(Math.abs(before - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(after / before - 1 / 0.3) / (1 / 0.3)).toBeLessThan(0.12);
    // Half-way through the ramp it has lost 35 %.
    expect(Math.abs(mean(65, 75) / before - 1 / 0.65) / (1 / 0.65)).toBeLessThan(0.2);
  });
});

/** How many logged requests arrived after t (ms). */
function countAfter(t: Float64Array, at: number): number {
  return Array.from(t).filter((x) => x > at).length;
}
