// Drives the decision core on a fake clock: one decision per tick, agents reporting on their own schedule.
import type { CoreSettings } from '../../director/core/core-config.js';
import type { CoreEvent, DestDecision, ServiceDecision } from '../../director/core/decisions.js';
import type { KernelView, ReceivedReport } from '../../director/core/observation.js';
import { initialState, step } from '../../director/core/step.js';
import type { CoreState } from '../../director/core/state.js';

export interface Tick {
  now: number;
  dests: readonly DestDecision[];
  services: readonly ServiceDecision[];
  events: readonly CoreEvent[];
}

export interface RunOptions {
  from?: number;
  until: number;
  tickMs?: number;
  /** Reports arriving at time t (called once per tick with the tick's time). */
  reports: (t: number, weights: ReadonlyMap<string, number>) => ReceivedReport[];
  /** The kernel's table at time t, given what was decided (the weights, and the last decisions); absent = no kernel view. */
  kernel?: (t: number, weights: ReadonlyMap<string, number>, last: readonly DestDecision[]) => KernelView | undefined;
  state?: CoreState;
}

export interface Run {
  ticks: Tick[];
  state: CoreState;
  /** Weight of `destId` (in the first service that has it) at time t, after that tick's decision. */
  weightAt(destId: string, t: number): number;
  events(kind?: string): CoreEvent[];
}

export function runCore(settings: CoreSettings, o: RunOptions): Run {
  const tickMs = o.tickMs ?? 1_000;
  let state = o.state ?? initialState(settings, o.from ?? 0);
  const ticks: Tick[] = [];
  const weights = new Map<string, number>(Object.values(state.dests).map((d) => [d.destId, d.weight]));
  for (let t = o.from ?? 0; t <= o.until; t += tickMs) {
    const kernel = o.kernel?.(t, weights, ticks.at(-1)?.dests ?? []);
    const r = step(settings, state, { now: t, reports: o.reports(t, weights), ...(kernel ? { kernel } : {}) });
    state = r.state;
    for (const d of r.dests) weights.set(d.destId, d.weight);
    ticks.push({ now: t, dests: r.dests, services: r.services, events: r.events });
  }
  return {
    ticks,
    state,
    weightAt(destId, t) {
      const tick = [...ticks].reverse().find((k) => k.now <= t);
      const d = tick?.dests.find((x) => x.destId === destId);
      if (!d) throw new Error(`no decision for ${destId} at ${t}`);
      return d.weight;
    },
    events(kind) {
      return ticks.flatMap((k) => k.events).filter((e) => kind === undefined || e.kind === kind);
    },
  };
}
