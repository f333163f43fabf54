// Keeps docs/errors.md and the error classes in step with the catalogue in shared/errors.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../shared/errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);

describe('error catalogue', () => {
  it('documents every code exactly once, and nothing else', () => {
    expect([...documented].sort()).toEqual(Object.keys(errors.ERROR_CODES).sort());
  });

  it('gives every documented code the meaning the code gives it', () => {
    for (const [code, meaning] of Object.entries(errors.ERROR_CODES)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`))!;
      // The doc may format quotes as code spans; compare the words.
      const words = (s: string) => s.replace(/[`"]/g, '').replace(/\s+/g, ' ').trim();
      expect(words(row.split('|')[2]!)).toBe(words(meaning));
    }
  });

  it('has exactly one error class for every code', () => {
    const classes = Object.values(errors).filter(
      (v): v is typeof errors.LvsfError => typeof v === 'function' && v.prototype instanceof errors.LvsfError,
    );
    const codes = classes.map((Cls) => Cls.code);
    expect([...codes].sort()).toEqual(Object.keys(errors.ERROR_CODES).sort());
  });

  it('gives an instance its class code, its class name and a wire form', () => {
    const err = new errors.ConfigInvalidError('agent.yaml', 'plugins[1].timeout', 'not a duration');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.name).toBe('ConfigInvalidError');
    expect(err.message).toBe('agent.yaml: plugins[1].timeout: not a duration');
    expect(err.toJSON()).toEqual({ code: 'CONFIG_INVALID', message: err.message });
    expect(new errors.ProtocolVersionError(7, [1]).toJSON().code).toBe('PROTOCOL_VERSION');
  });
});
