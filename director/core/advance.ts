// Decisions on a wall-clock grid: every director fed by the same reports decides at the same instants, the same way.
import type { CoreSettings, DecisionSettings } from './core-config.js';
import type { CoreEvent, DestDecision, ServiceDecision, StepResult } from './decisions.js';
import type { KernelView, ReceivedReport } from './observation.js';
import { boundPending, receiveReport } from './receive.js';
import { byReportTime, reportTime } from './report-time.js';
import { step } from './step.js';
import type { CoreState } from './state.js';
import type { HostFacts } from '../../shared/protocol/messages.js';

export interface AdvanceInput {
  /** The director's wall clock now (ms since the epoch). */
  readonly now: number;
  readonly hellos?: readonly { readonly agentId: string; readonly host: HostFacts }[];
  /** Reports received since the last call, in any order. */
  readonly reports?: readonly ReceivedReport[];
  /** The table as read just now; it is taken into the first grid decision due. */
  readonly kernel?: KernelView;
}

/** The decisions of one grid instant. Its `state` is the state after the whole advance (the core steps in place). */
export interface DecidedStep extends StepResult<CoreState> {
  /** The grid instant decided. */
  readonly instant: number;
}

export interface AdvanceResult {
  readonly state: CoreState;
  /** One result per grid instant decided, oldest first; empty when no instant was due. */
  readonly steps: readonly DecidedStep[];
  /** What to write: the last decision per destination, `changed` when any decided instant changed it. */
  readonly dests: readonly DestDecision[];
  readonly services: readonly ServiceDecision[];
  readonly events: readonly CoreEvent[];
}

/**
 * The grid instants due at `now`: every multiple of the interval up to now − settle that is after the last one decided
 * (at most `maxCatchUp` of them: after a longer stall the oldest are skipped).
 */
export function dueInstants(d: DecisionSettings, decidedAt: number | undefined, now: number): number[] {
  const last = Math.floor((now - d.settleMs) / d.intervalMs) * d.intervalMs;
  if (decidedAt !== undefined && last <= decidedAt) return [];
  const earliest = last - (Math.max(1, d.maxCatchUp) - 1) * d.intervalMs;
  const first = decidedAt === undefined ? last : Math.max(decidedAt + d.intervalMs, earliest);
  const out: number[] = [];
  for (let g = first; g <= last; g += d.intervalMs) out.push(g);
  return out;
}

/**
 * Takes the decisions due at `now`: each grid instant g decides from the reports whose own time is at most g, whatever
 * their arrival order and whenever this is called. The kernel's table goes into the first instant decided. `previous`
 * is advanced in place (step.ts): keep a cloneState() of it to keep it.
 */
export function advance(settings: CoreSettings, previous: CoreState, input: AdvanceInput): AdvanceResult {
  const d = settings.decisions;
  // Reports are taken in as the live director takes them at arrival (receive.ts), oldest first.
  const received: CoreEvent[] = [];
  for (const r of [...(input.reports ?? [])].sort(byReportTime(d))) received.push(...receiveReport(settings, previous, r));
  let state: CoreState = {
    ...previous,
    pending: boundPending(previous.pending, d),
    pendingHellos: [...previous.pendingHellos, ...(input.hellos ?? [])],
  };
  const instants = dueInstants(d, previous.decidedAt, input.now);
  const steps: DecidedStep[] = [];
  for (const [i, g] of instants.entries()) {
    const due = state.pending.filter((r) => reportTime(r, d).at <= g);
    const waiting = state.pending.filter((r) => reportTime(r, d).at > g);
    const r = step(settings, { ...state, pending: [], pendingHellos: [] }, { now: g, hellos: state.pendingHellos, reports: due, ...(i === 0 && input.kernel ? { kernel: input.kernel } : {}) });
    state = { ...r.state, decidedAt: g, pending: waiting, pendingHellos: [] };
    steps.push({ ...r, state, instant: g });
  }
  const last = steps.at(-1);
  if (last === undefined) return { state, steps, dests: [], services: [], events: received };
  const first = steps[0]?.dests ?? [];
  const changed = new Set(steps.flatMap((s) => s.dests.filter((x) => x.changed).map((x) => `${x.service}/${x.destId}`)));
  const dests = last.dests.map((x, i) => ({ ...x, weightBefore: first[i]?.weightBefore ?? x.weightBefore, changed: changed.has(`${x.service}/${x.destId}`) }));
  return { state, steps, dests, services: last.services, events: [...received, ...steps.flatMap((s) => s.events)] };
}
