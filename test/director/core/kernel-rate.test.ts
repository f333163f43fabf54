// The kernel-side rate: the core differences the kernel's cumulative Conns counter between its own decisions.
import { describe, expect, it } from 'vitest';
import type { KernelDest, KernelView, Observation } from '../../../director/core/observation.js';
import { initialState, step } from '../../../director/core/step.js';
import { destKey, type CoreState } from '../../../director/core/state.js';
import { report, threeServerConfig } from '../../helpers/director-fixtures.js';

const SERVICE = 'tcp:10.0.0.1:80';
const A = '10.0.1.11:80';
const DESTS = [A, '10.0.1.12:80', '10.0.1.13:80'];

/** Destination A with these counters (the others idle at 0), every weight 100: what a table read gives the core. */
function view(a: Partial<KernelDest> | undefined, others: Partial<KernelDest> = { conns: 0 }): KernelView {
  const row = (c: Partial<KernelDest>): KernelDest => ({ weight: 100, upper: 0, lower: 0, ...c });
  return { services: { [SERVICE]: Object.fromEntries(DESTS.flatMap((id) => (id === A ? (a === undefined ? [] : [[id, row(a)]]) : [[id, row(others)]]))) } };
}

/** Steps the core through decisions at these times with these views (undefined: no table read at that decision). */
function run(reads: readonly (readonly [number, KernelView | undefined])[], tauS = 0, extra: (t: number) => Partial<Observation> = () => ({}), service: Record<string, unknown> = {}) {
  const cfg = threeServerConfig(service, { smoothing: { timeConstant: tauS, blackout: 0 } });
  let state: CoreState = initialState(cfg.core, 0);
  const rates: (number | undefined)[] = [];
  for (const [now, kernel] of reads) {
    state = step(cfg.core, state, { now, ...(kernel ? { kernel } : {}), ...extra(now) }).state;
    rates.push(state.dests[destKey('web', A)]!.kernelRate);
  }
  return { rates, state };
}

describe('the rate of new connections the core derives from the kernel', () => {
  it('is the difference of the Conns counter between two decisions over the time between them', () => {
    const { rates } = run([
      [0, view({ conns: 1_000 })],
      [2_000, view({ conns: 1_040 })],
      [4_000, view({ conns: 1_046 })],
    ]);
    expect(rates).toEqual([undefined, 20, 3]);
  });

  it('counts the time since the last decision that read the table, not since the last decision', () => {
    // A decision without a table read between (the read failed): the next pair spans both intervals.
    const { rates } = run([
      [0, view({ conns: 0 })],
      [2_000, undefined],
      [4_000, view({ conns: 60 })],
    ]);
    expect(rates).toEqual([undefined, undefined, 15]);
  });

  it('waits for the kernel’s estimator: a counter still within its 2 s gives no sample, one quiet for longer gives 0 over that time', () => {
    // ipvsadm's Conns moves only when the kernel's estimator runs, every 2 s: decisions every second see a steady
    // 10/s as 0, 20, 20, 40, 40, … — the rate is 10 throughout, never 0 and 20 by turns.
    const conns = [0, 0, 20, 20, 40, 40, 40, 40, 40];
    const { rates } = run(conns.map((c, i) => [i * 1_000, view({ conns: c })] as const));
    // The traffic stops after 4 s: 0 once the counter has been quiet for an estimator period and a half.
    expect(rates).toEqual([undefined, undefined, 10, 10, 10, 10, 10, 0, 0]);
  });

  it('subtracts the growth of the active connections over the same interval, and never goes below 0', () => {
    const { rates } = run([
      [0, view({ conns: 100, activeConns: 5 })],
      [2_000, view({ conns: 140, activeConns: 9 })],
      [4_000, view({ conns: 142, activeConns: 40 })],
    ]);
    expect(rates).toEqual([undefined, 18, 0]);
  });

  it('gives no rate at the first sight of a destination, even when the kernel’s own estimate (CPS) is there too', () => {
    const { rates } = run([
      [0, view({ conns: 500, cps: 37 })],
      [2_000, view({ conns: 520, cps: 30 })],
    ]);
    expect(rates).toEqual([undefined, 10]);
  });

  it('starts over when the counter goes backwards (the service or destination added again): no rate from that pair, none negative', () => {
    const { rates } = run([
      [0, view({ conns: 1_000 })],
      [2_000, view({ conns: 1_040 })],
      // Re-created between two reads: the kernel counts from 0 again.
      [4_000, view({ conns: 4 })],
      [6_000, view({ conns: 64 })],
    ]);
    expect(rates).toEqual([undefined, 20, 20, 30]);
  });

  it('starts over after the destination was absent from the table, whatever the counter reads when it is back', () => {
    const { rates } = run([
      [0, view({ conns: 1_000 })],
      [2_000, view({ conns: 1_040 })],
      [4_000, view(undefined)],
      // Back, and already past the count it had before it left: still no reference to difference against.
      [6_000, view({ conns: 1_100 })],
      [8_000, view({ conns: 1_110 })],
    ]);
    expect(rates).toEqual([undefined, 20, 20, 20, 5]);
  });

  it('smooths the rate with the same time constant as before (an EMA over the time each pair covers)', () => {
    const { rates } = run(
      [
        [0, view({ conns: 0 })],
        [2_000, view({ conns: 40 })],
        [4_000, view({ conns: 120 })],
      ],
      10,
    );
    expect(rates[1]).toBe(20);
    expect(rates[2]).toBeCloseTo(20 + (1 - Math.exp(-0.2)) * (40 - 20), 10);
  });

  it('keeps using the kernel’s CPS when the table was read without Conns (an older reader)', () => {
    const { rates } = run([
      [0, view({ cps: 12, activeConns: 2 })],
      [2_000, view({ cps: 14, activeConns: 6 })],
    ]);
    expect(rates).toEqual([12, 12]);
  });

  it('feeds capacity mode from a view that gives Conns only (as the model does)', () => {
    const { state } = run(
      [0, 2_000, 4_000].map((t) => [t, view({ conns: t / 100 }, { conns: t / 50 })] as const),
      0,
      (t) => ({ reports: ['a1', 'a2', 'a3'].map((a) => report(a, t, { cpu_util_pct: 50, cpu_idle_pct: 50 })) }),
      { mode: 'capacity', capacity: { rateFrom: 'kernel' } },
    );
    const dest = (id: string) => state.dests[destKey('web', id)]!;
    expect([dest(A).kernelRate, dest(A).capacity]).toEqual([10, 20]);
    expect([dest(DESTS[1]!).kernelRate, dest(DESTS[1]!).capacity]).toEqual([20, 40]);
  });
});
