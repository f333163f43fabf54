// Admin-editable weight expressions: parsed and checked once at start, then evaluated on every decision.
import { createRequire } from 'node:module';
import type { MathNode } from 'mathjs';
import { messageOf } from '../../shared/errors.js';
import { ExpressionInvalidError } from '../errors.js';
import { suggestion } from './name-suggestion.js';
import { builtinVariableNames, EXPRESSION_CONSTANTS, EXPRESSION_FUNCTIONS, isBuiltinVariable } from './variables.js';

/**
 * mathjs's single-file build: one file to read instead of about 1,100 modules, which cuts the director's start-up from
 * about 1 s to 0.2 s here (and by minutes on slow storage). A private instance: nothing is imported into it.
 * require() returns `any`: the cast gives the bundle the package's own type declarations.
 */
const mathjs = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as typeof import('mathjs');
// The declarations type every factory set as possibly undefined; the bundle always has `all`.
const math = mathjs.create(mathjs.all!);

const FUNCTIONS: ReadonlySet<string> = new Set(EXPRESSION_FUNCTIONS);
const CONSTANTS: ReadonlySet<string> = new Set(EXPRESSION_CONSTANTS);

export interface CompiledExpression {
  readonly source: string;
  /** Variables the expression reads, in order of first use. */
  readonly variables: readonly string[];
  /** The result, or why there is none (a missing input, or a result that is not a finite number). */
  evaluate(scope: ReadonlyMap<string, number>): ExpressionResult;
}

export type ExpressionResult = { ok: true; value: number } | { ok: false; missing: readonly string[]; why: string };

/**
 * Parses `source` and checks every name in it: functions from EXPRESSION_FUNCTIONS, documented variables, and the
 * plugin metrics the config declares. Throws ExpressionInvalidError naming `key` (the config key) on any problem.
 */
export function compileExpression(source: string, key: string, pluginMetrics: readonly string[] = []): CompiledExpression {
  let node: MathNode;
  try {
    node = math.parse(source);
  } catch (err) {
    throw new ExpressionInvalidError(key, source, `does not parse: ${messageOf(err)}`);
  }
  const variables: string[] = [];
  const problems: string[] = [];
  const declared = new Set(pluginMetrics);
  node.traverse((n, path, parent) => {
    if (n.type === 'AssignmentNode' || n.type === 'FunctionAssignmentNode') problems.push('assignments are not allowed');
    if (n.type === 'ObjectNode' || n.type === 'AccessorNode' || n.type === 'IndexNode') problems.push(`${n.type} is not allowed`);
    if (math.isConstantNode(n) && typeof n.value !== 'number' && typeof n.value !== 'boolean') {
      problems.push('only numbers are allowed as constants');
    }
    if (!math.isSymbolNode(n)) return;
    const name = n.name;
    if (parent?.type === 'FunctionNode' && path === 'fn') {
      if (!FUNCTIONS.has(name)) {
        problems.push(`unknown function ${name}() (allowed: ${EXPRESSION_FUNCTIONS.join(', ')})`);
      }
      return;
    }
    if (CONSTANTS.has(name)) return;
    if (!isBuiltinVariable(name) && !declared.has(name)) {
      problems.push(`unknown variable ${name}${suggestion(name, [...builtinVariableNames(), ...declared])}; plugin metrics must be listed under pluginMetrics`);
      return;
    }
    if (!variables.includes(name)) variables.push(name);
  });
  if (problems.length > 0) throw new ExpressionInvalidError(key, source, [...new Set(problems)].join('; '));
  const code = node.compile();
  return {
    source,
    variables,
    evaluate(scope) {
      const missing = variables.filter((v) => !Number.isFinite(scope.get(v)));
      if (missing.length > 0) return { ok: false, missing, why: `${missing.join(', ')} missing` };
      let value: unknown;
      try {
        // Only what the expression names, copied: an assignment in it cannot change the caller's scope.
        value = code.evaluate(new Map(variables.map((v) => [v, scope.get(v)])));
      } catch (err) {
        return { ok: false, missing: [], why: `evaluation failed: ${messageOf(err)}` };
      }
      if (typeof value === 'boolean') value = value ? 1 : 0;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return { ok: false, missing: [], why: `result is ${typeof value === 'number' ? String(value) : `not a number (${typeof value})`}` };
      }
      return { ok: true, value };
    },
  };
}
