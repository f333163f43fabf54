// Two directors' decision cores fed by the same agents, each with its own arrival times, tick phase, stalls and table.
import fc from 'fast-check';
import { advance } from '../../director/core/advance.js';
import type { DestDecision } from '../../director/core/decisions.js';
import type { KernelView, ReceivedReport } from '../../director/core/observation.js';
import { initialState } from '../../director/core/step.js';
import type { CoreState } from '../../director/core/state.js';
import type { DirectorConfig } from '../../director/config/director-config.js';
import type { ReportMessage } from '../../shared/protocol/messages.js';
import { threeServerConfig } from './director-fixtures.js';

export const AGENTS = ['a1', 'a2', 'a3'] as const;
export const DESTS = ['10.0.1.11:80', '10.0.1.12:80', '10.0.1.13:80'];
export const SERVICE = 'tcp:10.0.0.1:80';
/** Wall-clock start of the runs (ms since the epoch), not on a grid instant. */
export const T0 = 1_800_000_000_123;

export const scenario = fc.record({
  mode: fc.constantFrom('capacity', 'expression'),
  expression: fc.constantFrom('cpu_idle_pct * base_weight / 50', 'cpu_idle_pct > 30 ? base_weight : 0', 'max(0, 300 - run_queue_per_core * 100)'),
  maxStep: fc.integer({ min: 5, max: 100 }),
  minInterval: fc.integer({ min: 0, max: 6 }),
  deadband: fc.integer({ min: 0, max: 15 }),
  stalePolicy: fc.constantFrom('configured', 'hold', 'quiesce'),
  sorry: fc.boolean(),
  /** Per agent: when in the first report interval it reports (agents are not in step with each other). */
  agentPhase: fc.array(fc.integer({ min: 0, max: 1_999 }), { minLength: 3, maxLength: 3 }),
  /** Per agent, per report: idle %, completed connections per s, established, silent (0..9, < 2 misses it). */
  series: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 9 })), { minLength: 60, maxLength: 60 }), { minLength: 3, maxLength: 3 }),
  /** Each director: its tick phase within the interval, tick jitter, network delays, and one stall. */
  directors: fc.array(
    fc.record({
      phase: fc.integer({ min: 500, max: 999 }),
      jitter: fc.integer({ min: 0, max: 300 }),
      delays: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 64, maxLength: 64 }),
      stallAt: fc.integer({ min: 10, max: 100 }),
      stallFor: fc.integer({ min: 0, max: 5 }),
    }),
    { minLength: 2, maxLength: 2 },
  ),
});
export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

export function config(s: Scenario, top: Record<string, unknown> = {}): DirectorConfig {
  return threeServerConfig({
    mode: s.mode,
    expression: s.mode === 'expression' ? s.expression : undefined,
    stalePolicy: s.stalePolicy,
    damping: { deadband: s.deadband, maxStep: s.maxStep, minInterval: s.minInterval, slowStart: 20 },
    fallback: { after: 4, recoverAfter: 6 },
    ...(s.sorry ? { sorryServers: [{ address: '10.0.9.1' }] } : {}),
  }, { smoothing: { timeConstant: 4, blackout: 6 }, ...top });
}

/** Every report the agents send: each agent every 2 s at its own phase, timed by its own (true) clock. */
export function reportsOf(s: Pick<Scenario, 'series' | 'agentPhase'>): ReceivedReport[] {
  const out: ReceivedReport[] = [];
  AGENTS.forEach((agentId, k) => {
    for (let i = 0; i < s.series[k]!.length; i++) {
      const [idle, rate, est, miss] = s.series[k]![i]!;
      if (miss < 2 || (i >= 20 && i < 26 && k === 1)) continue; // a2 falls silent for 12 s: stale and back
      const ts = T0 + s.agentPhase[k]! + i * 2_000;
      const stat = (v: number) => ({ mean: v, min: v, max: v, n: 2 });
      const report: ReportMessage = {
        type: 'report',
        seq: i,
        ts,
        intervalMs: 2_000,
        metrics: { cpu_idle_pct: stat(idle), cpu_util_pct: stat(100 - idle), run_queue_per_core: stat((100 - idle) / 25), tcp_passive_opens_per_s: stat(rate), established: stat(est) },
        plugins: {},
      };
      out.push({ agentId, receivedAt: ts, report });
    }
  });
  return out;
}

export interface Decided {
  /** Grid instant → the decisions taken for it. */
  readonly byInstant: Map<number, readonly DestDecision[]>;
}

/**
 * One director: receives each report after its own network delay, ticks at its own phase with jitter and one stall,
 * and carries a kernel table that takes its writes; `traffic` says whether it is the one carrying traffic (its
 * kernel counters move) or the backup (its counters stay 0).
 */
export interface RunDirectorOptions {
  /** When this director starts (it receives nothing sent before): T0 unless said. */
  readonly startAt?: number;
  /** Reports (by their index in the list) this director never receives. */
  readonly lost?: ReadonlySet<number>;
}

export function runDirector(cfg: DirectorConfig, reports: readonly ReceivedReport[], d: Scenario['directors'][number], traffic: boolean, o: RunDirectorOptions = {}): Decided {
  const startAt = o.startAt ?? T0;
  let state: CoreState = initialState(cfg.core, startAt);
  const table = new Map(DESTS.map((id) => [id, 100]));
  const arrivals = reports
    .map((r, i) => ({ ...r, receivedAt: r.report.ts + d.delays[i % d.delays.length]!, i }))
    .filter((r) => r.receivedAt >= startAt && !o.lost?.has(r.i))
    .sort((x, y) => x.receivedAt - y.receivedAt);
  const end = reports.reduce((m, r) => Math.max(m, r.report.ts), startAt) + 5_000;
  const byInstant = new Map<number, readonly DestDecision[]>();
  let next = 0;
  let tick = 0;
  for (let t = Math.ceil(startAt / 1_000) * 1_000 + d.phase; t < end; t += 1_000) {
    tick++;
    if (tick >= d.stallAt && tick < d.stallAt + d.stallFor) continue; // a stalled event loop: these ticks never run
    const now = t + ((tick * 7919) % (d.jitter + 1));
    const batch: ReceivedReport[] = [];
    while (next < arrivals.length && arrivals[next]!.receivedAt <= now) batch.push(arrivals[next++]!);
    const kernel: KernelView = { services: { [SERVICE]: Object.fromEntries(DESTS.map((id) => [id, { weight: table.get(id)!, upper: 0, lower: 0, activeConns: traffic ? table.get(id)! : 0, inactiveConns: 0, cps: traffic ? table.get(id)! * 3 : 0 }])) } };
    const r = advance(cfg.core, state, { now, reports: batch, kernel });
    state = r.state;
    for (const s of r.steps) byInstant.set(s.instant, s.dests);
    for (const x of r.dests) if (x.changed && x.present) table.set(x.destId, x.weight);
  }
  return { byInstant };
}

