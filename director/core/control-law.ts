// The control law for a live agent's server: its capacity share times an optional penalty, or the admin's expression.
import type { CapacityServiceSettings, ServiceSettings } from './core-config.js';
import { fmt } from './explain.js';
import type { CompiledExpression } from './expression.js';
import type { DestState } from './state.js';
import type { Target } from './target.js';

/** The least weight the capacity estimate alone gives a live server (the penalty expression may still give 0). */
const MIN_MEASURABLE_WEIGHT = 1;

/** Variables that come from the config, not from measurements: they add nothing to an explanation. */
const CONSTANT_VARIABLES = new Set(['base_weight', 'reference_weight']);

/** What a live destination's law asks for; the capacity note and mean come from this decision's estimates. */
export function liveTarget(svc: ServiceSettings, d: DestState, scope: ReadonlyMap<string, number>, capacityNote: string | undefined, meanCapacity: number | undefined): Target {
  if (svc.mode === 'expression') return expressionTarget(svc.expression, d, scope);
  return capacityTarget(svc, d, scope, capacityNote, meanCapacity);
}

/** Expression mode: the expression's value is the weight; a missing input keeps the weight. */
function expressionTarget(expression: CompiledExpression, d: DestState, scope: ReadonlyMap<string, number>): Target {
  const r = expression.evaluate(scope);
  if (!r.ok) return { weight: d.weight, reason: `weight kept: ${r.why}`, holdKind: `input:${r.why}` };
  // The inputs that vary, then the result: "cpu_idle_pct 12, postfix_mailq 40 → 55".
  const inputs = expression.variables.filter((v) => !CONSTANT_VARIABLES.has(v)).slice(0, 5).map((v) => `${v} ${fmt(scope.get(v))}`);
  return { weight: r.value, reason: `${inputs.length ? inputs.join(', ') : expression.source} → ${fmt(r.value)}` };
}

/** Capacity mode: the reference weight times this server's share of the mean capacity, times the penalty (0..1). */
function capacityTarget(svc: CapacityServiceSettings, d: DestState, scope: ReadonlyMap<string, number>, capacityNote: string | undefined, meanCapacity: number | undefined): Target {
  if (meanCapacity === undefined || meanCapacity <= 0) return unknownCapacityTarget(svc, d, scope, capacityNote ?? 'capacity unknown');
  // A server whose capacity is not known yet is taken to be average (as gRPC does for endpoints without a weight).
  const share = d.capacity === undefined ? 1 : d.capacity / meanCapacity;
  let target = svc.referenceWeight * share;
  let reason = d.capacity === undefined ? `${capacityNote ?? 'capacity unknown'}: taken as the mean` : `${capacityNote ?? `capacity ${fmt(d.capacity)}/s`}, share ${fmt(share)} of mean`;
  if (target < MIN_MEASURABLE_WEIGHT) {
    // The estimate alone never quiesces: at weight 0 no connection would reach the server to measure it again.
    target = MIN_MEASURABLE_WEIGHT;
    reason = `${reason}, at least ${MIN_MEASURABLE_WEIGHT} to stay measurable`;
  }
  const p = penaltyOf(svc, d, scope);
  if ('hold' in p) return p.hold;
  if (p.factor !== 1) reason = `${reason}, penalty ×${fmt(p.factor)} (${svc.expression?.source})`;
  target *= p.factor;
  return { weight: target, reason };
}

/**
 * No server's capacity is known (all idle, or no rate yet): weights are kept, a server at 0 comes back as an average
 * one, and a penalty of 0 still quiesces (the admin's rule needs no capacity to say "out").
 */
function unknownCapacityTarget(svc: CapacityServiceSettings, d: DestState, scope: ReadonlyMap<string, number>, note: string): Target {
  const p = penaltyOf(svc, d, scope);
  if ('hold' in p) return p.hold;
  if (p.factor === 0) return { weight: 0, reason: `${note}; penalty ×0 (${svc.expression?.source})` };
  if (d.weight === 0) return { weight: svc.referenceWeight, reason: `${note}, no server's capacity known: back from 0 at the reference weight ${svc.referenceWeight}` };
  return { weight: d.weight, reason: `weight kept: ${note}`, holdKind: 'capacity-unknown' };
}

/** The penalty expression's factor, clamped to 0..1 (1 without one), or the hold when one of its inputs is missing. */
function penaltyOf(svc: CapacityServiceSettings, d: DestState, scope: ReadonlyMap<string, number>): { factor: number } | { hold: Target } {
  if (!svc.expression) return { factor: 1 };
  const r = svc.expression.evaluate(scope);
  if (!r.ok) return { hold: { weight: d.weight, reason: `weight kept: penalty ${r.why}`, holdKind: `input:${r.why}` } };
  return { factor: Math.min(1, Math.max(0, r.value)) };
}
