// Runs every scenario under every policy for each seed, and summarises: the one entry point of the simulations.
import type { RunResult } from './model/cluster-run.js';
import { runScenario } from './model/cluster-run.js';
import type { ScenarioSpec } from './model/scenario-spec.js';
import { referencesOf, type ReferenceSummary } from './measure/references.js';
import { summarize, type Summary } from './measure/summary.js';
import { DEFAULT_POLICY, POLICIES, type PolicyEntry } from './policies/catalogue.js';
import type { Policy } from './policies/policy.js';
import { SCENARIOS } from './scenarios/catalogue.js';

export interface RunOptions {
  readonly scenarios?: readonly string[];
  readonly seeds?: number;
  /** Shorter runs (for smoke tests): every duration scaled by this factor. */
  readonly timeScale?: number;
  readonly onProgress?: (line: string) => void;
}

export interface ScenarioResults {
  readonly spec: ScenarioSpec;
  readonly summaries: Readonly<Record<string, Summary>>;
  /** The physical limit and strict bounds, on the requests the default policy's runs offered. */
  readonly references?: ReferenceSummary;
  /** The first seed's run of every policy, for plots. */
  readonly firstRuns: Readonly<Record<string, RunResult>>;
}

export interface Results {
  readonly seeds: number;
  readonly scenarios: readonly ScenarioResults[];
  readonly policies: readonly PolicyEntry[];
}

function scaled(spec: ScenarioSpec, k: number): ScenarioSpec {
  if (k === 1) return spec;
  const s = (x: number) => x * k;
  return {
    ...spec,
    durationS: s(spec.durationS),
    warmupS: s(spec.warmupS),
    rate: (t) => spec.rate(t / k),
    ...(spec.background ? { background: { ...spec.background, fromS: s(spec.background.fromS), toS: s(spec.background.toS) } } : {}),
    ...(spec.silent ? { silent: { ...spec.silent, fromS: s(spec.silent.fromS), toS: s(spec.silent.toS) } } : {}),
    ...(spec.rejoin ? { rejoin: { ...spec.rejoin, atS: s(spec.rejoin.atS) } } : {}),
    ...(spec.window ? { window: { ...spec.window, fromS: s(spec.window.fromS), toS: s(spec.window.toS) } } : {}),
    ...(spec.degrade ? { degrade: { ...spec.degrade, fromS: s(spec.degrade.fromS), toS: s(spec.degrade.toS) } } : {}),
  };
}

/**
 * One policy's runs of a scenario, seeds 1000, 1001, …: every policy of a scenario meets the same arrivals. Each
 * director of an active/active pair runs its own policy (its own core), fed the same reports.
 */
export function runSeeds(spec: ScenarioSpec, make: () => Policy, seeds: number): [RunResult, ...RunResult[]] {
  const one = (): Policy | [Policy, ...Policy[]] => (spec.directors && spec.directors > 1 ? [make(), ...Array.from({ length: spec.directors - 1 }, make)] : make());
  return [runScenario(spec, one(), 1000), ...Array.from({ length: seeds - 1 }, (_, k) => runScenario(spec, one(), 1001 + k))];
}

export function runAll(o: RunOptions = {}): Results {
  // At least one seed: its run is the one plotted.
  const seeds = Math.max(1, o.seeds ?? 3);
  const chosen = SCENARIOS.filter((s) => !o.scenarios || o.scenarios.length === 0 || o.scenarios.includes(s.name));
  const scenarios = chosen.map((base): ScenarioResults => {
    const spec = scaled(base, o.timeScale ?? 1);
    const summaries: Record<string, Summary> = {};
    const firstRuns: Record<string, RunResult> = {};
    let references: ReferenceSummary | undefined;
    for (const p of POLICIES) {
      if (p.skip?.(spec) !== undefined) continue;
      const runs = runSeeds(spec, () => p.make(spec), seeds);
      const first = runs[0];
      summaries[p.key] = summarize(spec, runs);
      if (p.key === DEFAULT_POLICY) references = referencesOf(spec, runs);
      // Kept for the plots: the request log only fed the references.
      firstRuns[p.key] = { ...first, requests: { t: new Float64Array(0), work: new Float64Array(0) } };
    }
    o.onProgress?.(`${spec.name}: ${spec.title}`);
    return { spec, summaries, firstRuns, ...(references ? { references } : {}) };
  });
  return { seeds, scenarios, policies: POLICIES };
}
