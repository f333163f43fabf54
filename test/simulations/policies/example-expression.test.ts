// The expression-mode policy runs the example config's expression as shipped; a config without one is a typed error.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { EXAMPLE_CONFIG, exampleExpression } from '../../../simulations/policies/example-expression.js';

const dir = mkdtempSync(join(tmpdir(), 'lvsf-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('exampleExpression', () => {
  it('is the expression of the example config’s expression-mode service, not that of a capacity-mode service', () => {
    const example: { services: { mode?: string; expression?: string }[] } = parseYaml(readFileSync(EXAMPLE_CONFIG, 'utf8'));
    const shipped = example.services.filter((s) => s.mode === 'expression').map((s) => s.expression);
    expect(shipped.length).toBeGreaterThan(0);
    expect(exampleExpression()).toBe(shipped[0]);
    const other = file('two.yaml', 'services:\n  - mode: capacity\n    expression: "0.5"\n  - mode: expression\n    expression: "cpu_idle_pct"\n');
    expect(exampleExpression(other)).toBe('cpu_idle_pct');
  });

  it('a config without an expression-mode service, or whose service has no expression, is CONFIG_INVALID naming services', () => {
    for (const text of ['services:\n  - mode: capacity\n    expression: "1"\n', 'services:\n  - mode: expression\n']) {
      expect(() => exampleExpression(file('none.yaml', text))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', key: 'services' }));
    }
    expect(() => exampleExpression(file('bad.yaml', 'services: 3\n'))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', key: 'services' }));
  });

  it('a missing file or one that is not YAML is CONFIG_UNREADABLE', () => {
    expect(() => exampleExpression(join(dir, 'absent.yaml'))).toThrow(expect.objectContaining({ code: 'CONFIG_UNREADABLE' }));
    expect(() => exampleExpression(file('broken.yaml', 'services: [\n'))).toThrow(expect.objectContaining({ code: 'CONFIG_UNREADABLE' }));
  });
});
