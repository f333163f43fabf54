// Capacity estimate (gRPC A58 style): completed connection rate ÷ smoothed utilisation, held when the server is idle.
import type { CapacitySettings } from './core-config.js';
import { fmt, pct } from './explain.js';

export interface CapacityInputs {
  /** Smoothed cpu_util_pct of the agent. */
  readonly utilPct?: number;
  /** Smoothed new-connection rate from the kernel for this destination. */
  readonly kernelRate?: number;
  /** Smoothed connections completed per second from the agent's reports (accepted minus the growth of established). */
  readonly agentRate?: number;
  /** The service carries UDP datagrams: the agent's TCP counts say nothing of its traffic. */
  readonly datagrams?: boolean;
}

export interface CapacityEstimate {
  /** The estimate, absent when this decision could not make one. */
  readonly capacity?: number;
  readonly rate?: number;
  readonly note: string;
}

/**
 * The rate the settings choose: the kernel's per-destination rate, the agent's, or (auto) the agent's when it reports
 * one. The agent's is what every director sees alike; the kernel's counts only the connections this director forwarded
 * (0 on a backup), so decisions made from it differ between directors (docs/neighbours.md). For a UDP service auto
 * takes the kernel's: its per-destination count is of datagrams under -o (every one is scheduled), of flows without.
 */
export function chooseRate(s: CapacitySettings, i: CapacityInputs): number | undefined {
  if (s.rateFrom === 'kernel') return i.kernelRate;
  if (s.rateFrom === 'agent') return i.agentRate;
  if (i.datagrams) return i.kernelRate;
  return i.agentRate ?? i.kernelRate;
}

/**
 * Capacity in connections per second at full CPU, or undefined when this decision cannot estimate it. Below the
 * utilisation floor the rate is too small a sample for the ratio to mean anything: the server is then taken to be
 * average (its estimate is forgotten), so a server that once looked slow is never starved for good.
 */
export function estimateCapacity(i: CapacityInputs, s: CapacitySettings): CapacityEstimate {
  const rate = chooseRate(s, i);
  const util = i.utilPct === undefined ? undefined : i.utilPct / 100;
  if (rate === undefined) return { note: 'capacity unknown: no connection rate' };
  if (util === undefined) return { rate, note: 'capacity unknown: no cpu_util_pct' };
  if (rate <= 0) return { rate, note: `capacity unknown: no completed connections (rate ${fmt(rate)}/s at ${pct(util)} util)` };
  if (util < s.utilizationFloor) return { rate, note: `capacity unknown: utilisation ${pct(util)} below floor ${pct(s.utilizationFloor)}` };
  const capacity = rate / util;
  return { capacity, rate, note: `capacity ${fmt(capacity)}/s = ${fmt(rate)}/s ÷ ${pct(util)} util` };
}
