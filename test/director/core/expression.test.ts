import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../director/core/expression.js';
import { ExpressionInvalidError } from '../../../director/errors.js';

const scope = (o: Record<string, number>) => new Map(Object.entries(o));

function compileError(src: string, plugins: string[] = []): ExpressionInvalidError {
  try {
    compileExpression(src, 'services[0].expression', plugins);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionInvalidError);
    return err as ExpressionInvalidError;
  }
  throw new Error(`expected ${src} to be refused`);
}

describe('weight expressions', () => {
  it('evaluates over documented variables and lists the ones it reads', () => {
    const e = compileExpression('base_weight * cpu_idle_pct / 100 * (swap_pages_per_s > 100 ? 0.5 : 1)', 'k');
    expect(e.variables).toEqual(['base_weight', 'cpu_idle_pct', 'swap_pages_per_s']);
    expect(e.evaluate(scope({ base_weight: 200, cpu_idle_pct: 40, swap_pages_per_s: 500 }))).toEqual({ ok: true, value: 40 });
  });

  it('refuses an expression that does not parse, naming the key', () => {
    const err = compileError('cpu_idle_pct * (2');
    expect(err.code).toBe('EXPRESSION_INVALID');
    expect(err.message).toMatch(/^services\[0\]\.expression: expression "cpu_idle_pct \* \(2" does not parse/);
  });

  it('refuses an unknown variable with a suggestion, and accepts declared plugin metrics and per-port metrics', () => {
    expect(compileError('cpu_idel_pct * 2').message).toContain('unknown variable cpu_idel_pct (did you mean cpu_idle_pct?)');
    expect(compileError('postfix_mailq').message).toContain('listed under pluginMetrics');
    expect(compileExpression('100 - postfix_mailq / 10', 'k', ['postfix_mailq']).variables).toEqual(['postfix_mailq']);
    expect(compileExpression('listen_queue_8080 + established_443', 'k').variables).toEqual(['listen_queue_8080', 'established_443']);
  });

  it('refuses unknown functions, assignments and strings', () => {
    expect(compileError('evaluate(1)').message).toContain('unknown function evaluate()');
    expect(compileError('weight = 3').message).toContain('assignments are not allowed');
    expect(compileError('"abc"').message).toContain('only numbers');
  });

  it('reports missing inputs and non-finite results instead of a number', () => {
    const e = compileExpression('100 * cpu_idle_pct / mem_available_pct', 'k');
    expect(e.evaluate(scope({ cpu_idle_pct: 50 }))).toEqual({ ok: false, missing: ['mem_available_pct'], why: 'mem_available_pct missing' });
    const r = e.evaluate(scope({ cpu_idle_pct: 50, mem_available_pct: 0 }));
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.why).toBe('result is Infinity');
  });

  it('turns a comparison into 1 or 0', () => {
    expect(compileExpression('cpu_idle_pct > 10', 'k').evaluate(scope({ cpu_idle_pct: 20 }))).toEqual({ ok: true, value: 1 });
  });
});
