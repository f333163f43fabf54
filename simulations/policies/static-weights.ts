// Baselines without feedback: equal weights, or weights proportional to the true capacities (the best static
// configuration, which nobody knows in practice).
import type { Scheduler } from '../model/ipvs-scheduler.js';
import type { Policy } from './policy.js';

export function staticPolicy(name: string, scheduler: Scheduler | 'oracle', weights: (servers: number) => number[]): Policy {
  return { name, scheduler, initialWeights: weights, decide: () => undefined };
}

export const equalWeights = (n: number): number[] => Array.from({ length: n }, () => 100);

/** Weights ∝ capacity, scaled so the mean is 100. */
export function capacityWeights(capacities: readonly number[]): (n: number) => number[] {
  const mean = capacities.reduce((a, b) => a + b, 0) / capacities.length;
  return () => capacities.map((c) => Math.max(1, Math.round((100 * c) / mean)));
}
