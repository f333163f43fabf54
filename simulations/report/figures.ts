// Named figures computed from results.json, which the READMEs quote between markers so that they cannot drift from it.
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_POLICY as DEFAULT } from '../policies/catalogue.js';
import { BEST_STATIC, STEADY } from './targets.js';

/** The part of results.json the figures read. */
export interface ResultsJson {
  readonly scenarios: readonly {
    readonly name: string;
    readonly summaries: Readonly<Record<string, { readonly p99Ms: number; readonly changesPerServerMinute: number; readonly reversalsPerServerMinute?: number; readonly convergeS?: number }>>;
    readonly references?: { readonly physicalP99Ms: number };
  }[];
}

const x2 = (v: number) => v.toFixed(2);

/** The default's p99 ÷ the best static p99, per scenario that has both. */
function versusBestStatic(r: ResultsJson): { name: string; v: number }[] {
  return r.scenarios.flatMap((s) => {
    const own = s.summaries[DEFAULT]?.p99Ms;
    const best = Math.min(...BEST_STATIC.map((k) => s.summaries[k]?.p99Ms ?? Infinity));
    return own !== undefined && Number.isFinite(best) ? [{ name: s.name, v: own / best }] : [];
  });
}

/** Every figure by name, formatted as the READMEs print it. */
export function figuresOf(r: ResultsJson): Record<string, string> {
  const out: Record<string, string> = {};
  const vs = versusBestStatic(r);
  if (vs.length > 0) {
    const lo = vs.reduce((a, b) => (b.v < a.v ? b : a));
    const hi = vs.reduce((a, b) => (b.v > a.v ? b : a));
    out['best-static-low'] = x2(lo.v);
    out['best-static-low-scenario'] = lo.name;
    out['best-static-high'] = x2(hi.v);
    out['best-static-high-scenario'] = hi.name;
  }
  for (const s of r.scenarios) {
    const own = s.summaries[DEFAULT];
    const v = vs.find((x) => x.name === s.name);
    if (v) out[`${s.name}-vs-best-static`] = x2(v.v);
    if (own && s.references) out[`${s.name}-vs-physical`] = x2(own.p99Ms / s.references.physicalP99Ms);
    if (own) out[`${s.name}-changes`] = x2(own.changesPerServerMinute);
    if (own?.reversalsPerServerMinute !== undefined) out[`${s.name}-reversals`] = x2(own.reversalsPerServerMinute);
  }
  const steadyRuns = r.scenarios.filter((s) => STEADY.includes(s.name));
  const steady = steadyRuns.map((s) => s.summaries[DEFAULT]?.changesPerServerMinute ?? 0);
  if (steady.length > 0) out['steady-changes-max'] = x2(Math.max(...steady));
  const reversals = steadyRuns.map((s) => s.summaries[DEFAULT]?.reversalsPerServerMinute ?? 0);
  if (reversals.length > 0) out['steady-reversals-max'] = x2(Math.max(...reversals));
  const a70 = r.scenarios.find((s) => s.name === 'a70')?.summaries;
  if (a70?.[DEFAULT]?.convergeS !== undefined) out['a70-converge-s'] = a70[DEFAULT].convergeS.toFixed(0);
  const a70Best = Math.min(...BEST_STATIC.map((k) => a70?.[k]?.p99Ms ?? Infinity));
  if (a70?.['idle-wlc'] && Number.isFinite(a70Best)) out['a70-idle-vs-best-static'] = (a70['idle-wlc'].p99Ms / a70Best).toFixed(0);
  if (a70?.['capacity-wlc'] && Number.isFinite(a70Best)) out['a70-capacity-wlc-vs-best-static'] = x2(a70['capacity-wlc'].p99Ms / a70Best);
  return out;
}

/** `<!--fig:name-->value<!--/fig-->`: the value shown, the name it comes from. */
const MARKER = /<!--fig:([a-z0-9-]+)-->(.*?)<!--\/fig-->/g;

/** The figures a text quotes: [name, value shown]. */
export function quotedFigures(text: string): [string, string][] {
  return [...text.matchAll(MARKER)].map((m) => [m[1]!, m[2]!]);
}

/** The text with every quoted figure set to its value; a name without a figure is left as it is (the test says so). */
export function withFigures(text: string, figures: Readonly<Record<string, string>>): string {
  return text.replace(MARKER, (all, name: string) => (figures[name] === undefined ? all : `<!--fig:${name}-->${figures[name]}<!--/fig-->`));
}

/** The figures results.json carries (written from the unrounded results by `simulate`). */
export function storedFigures(resultsJsonPath: string): Record<string, string> {
  return (JSON.parse(readFileSync(resultsJsonPath, 'utf8')) as { figures?: Record<string, string> }).figures ?? {};
}

/** Rewrites the figures quoted in these files from results.json; returns the files that changed. */
export function updateQuotedFigures(resultsJsonPath: string, files: readonly string[]): string[] {
  const figures = storedFigures(resultsJsonPath);
  return files.filter((f) => {
    const text = readFileSync(f, 'utf8');
    const next = withFigures(text, figures);
    if (next !== text) writeFileSync(f, next);
    return next !== text;
  });
}
