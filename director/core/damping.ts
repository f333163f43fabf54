// Damping: how far and how often one destination's weight may move towards its target in one decision.
import type { DampingSettings } from './core-config.js';

export interface DampingInput {
  readonly current: number;
  readonly target: number;
  readonly referenceWeight: number;
  readonly lastWriteAt: number | undefined;
  readonly now: number;
  /** Slow start in force: the ceiling the weight may not rise above now. */
  readonly slowStartCap?: number;
  /**
   * A smoothing window begins: the deadband and the write interval are set aside once, so the weight takes its target
   * (step-limited) and directors whose weights the deadband held apart agree again.
   */
  readonly realign?: boolean;
  /** The target's own uncertainty, in % of it: the deadband is never narrower (capacity-noise.ts). */
  readonly noisePct?: number;
}

export interface DampingResult {
  readonly weight: number;
  /** What damping did, for the explanation; absent when the target was taken as is. */
  readonly note?: string;
}

/**
 * Smallest change that is written: `deadbandPct` of the current weight, or the target's noise if wider but never wider
 * than one step (`maxStepPct`), at least 1. The noise may delay a correction; it never holds a weight a whole step off
 * its target (at the start, before the estimate settles, its noise reads high for a while).
 */
export function deadbandOf(current: number, s: DampingSettings, noisePct = 0): number {
  return Math.max(1, (current * bandPct(s, noisePct)) / 100);
}

function bandPct(s: DampingSettings, noisePct: number): number {
  return Math.max(s.deadbandPct, Math.min(noisePct, s.maxStepPct));
}

/** Largest change per write: `maxStepPct` of the larger of the current and the reference weight, at least 1. */
export function maxStepOf(current: number, referenceWeight: number, s: DampingSettings): number {
  return Math.max(1, Math.floor((Math.max(current, referenceWeight) * s.maxStepPct) / 100));
}

/** Applies deadband, minimum write interval (both set aside when realigning), step limit and slow-start ceiling, in that order. */
export function damp(input: DampingInput, s: DampingSettings): DampingResult {
  const { current, target, now, lastWriteAt, realign } = input;
  if (target === current) return { weight: current };
  const delta = target - current;
  const band = deadbandOf(current, s, input.noisePct);
  if (!realign && Math.abs(delta) < band) {
    const noisePct = input.noisePct ?? 0;
    return { weight: current, note: noisePct > s.deadbandPct ? `within deadband of ${target} (±${Math.round(bandPct(s, noisePct))} %: the estimate's noise)` : `within deadband of ${target}` };
  }
  if (!realign && lastWriteAt !== undefined && now - lastWriteAt < s.minIntervalMs) {
    return { weight: current, note: `next write in ${Math.ceil((s.minIntervalMs - (now - lastWriteAt)) / 1000)}s` };
  }
  const step = maxStepOf(current, input.referenceWeight, s);
  let weight = Math.abs(delta) > step ? current + Math.sign(delta) * step : target;
  let note = weight !== target ? `step limited from ${target}` : realign && Math.abs(delta) < band ? 'realigned at the start of a smoothing window' : undefined;
  const cap = input.slowStartCap;
  if (cap !== undefined && weight > current && weight > cap) {
    weight = Math.max(current, Math.floor(cap));
    note = `slow start ceiling ${Math.floor(cap)} (target ${target})`;
  }
  return note === undefined ? { weight } : { weight, note };
}

/**
 * Where a realignment puts a target: the nearest rung of a ladder of weights half a deadband apart (the reference
 * weight times powers of 1 + deadband/2), rounded. Directors with the same target still agree, and a target that
 * wanders within one rung leaves the weight where it is instead of costing a write every window. Half a deadband, not
 * a whole one: a realigned weight stays within 2.5 % of its target, which matters to sed, whose picks follow weights.
 */
export function ladderRung(target: number, referenceWeight: number, s: DampingSettings): number {
  if (target <= 0 || referenceWeight <= 0 || s.deadbandPct <= 0) return target;
  const ratio = 1 + s.deadbandPct / 200;
  return Math.round(referenceWeight * ratio ** Math.round(Math.log(target / referenceWeight) / Math.log(ratio)));
}

/**
 * The slow-start ceiling: from `slowStartFromPct` % of the target up to all of it, linearly over `slowStartMs`,
 * never below the weight the server had when the ramp began, and never below 1: a server leaving 0 for a small target
 * gets weight 1 at once instead of waiting out the whole ramp at 0. Undefined once the ramp is over.
 */
export function slowStartCap(target: number, from: number, startedAt: number, now: number, s: DampingSettings): number | undefined {
  if (s.slowStartMs <= 0 || now - startedAt >= s.slowStartMs) return undefined;
  const frac = Math.max(0, (now - startedAt) / s.slowStartMs);
  const p0 = s.slowStartFromPct / 100;
  return Math.max(from, 1, target * (p0 + (1 - p0) * frac));
}
