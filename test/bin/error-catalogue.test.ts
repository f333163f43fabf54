// Keeps docs/errors.md, the error classes and the code that raises them in step with the composed catalogue.
import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, ProtocolVersionError } from '../../shared/errors.js';
import { ERROR_CATALOGUE, ERROR_OWNERS, errorClasses } from '../../bin/error-catalogue.js';
import { readSource, REPO_ROOT, sourceFiles } from '../helpers/paths.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);

describe('error catalogue', () => {
  it('documents every code exactly once, and nothing else', () => {
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it('gives every documented code the meaning the code gives it', () => {
    for (const [code, meaning] of Object.entries(ERROR_CATALOGUE)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
      // The doc may format quotes as code spans; compare the words.
      const words = (s: string) => s.replace(/[`"]/g, '').replace(/\s+/g, ' ').trim();
      expect(words(row?.split('|')[2] ?? ''), code).toBe(words(meaning));
    }
  });

  it('has exactly one error class for every code, in the module that owns the code', () => {
    const classes = errorClasses();
    expect(classes.map((c) => c.code).sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    for (const c of classes) expect(Object.keys(ERROR_OWNERS[c.owner as keyof typeof ERROR_OWNERS].codes), c.name).toContain(c.code);
  });

  it('has no dead code: every error class is constructed somewhere in production code', () => {
    const sources = sourceFiles()
      .filter((f) => !/errors\.ts$|error-catalogue\.ts$/.test(f))
      .map(readSource)
      .join('\n');
    const dead = errorClasses().filter((c) => !new RegExp(`new ${c.name}\\(`).test(sources)).map((c) => `${c.name} (${c.code})`);
    expect(dead).toEqual([]);
  });

  it('gives an instance its class code, its class name and a wire form', () => {
    const err = new ConfigInvalidError('agent.yaml', 'plugins[1].timeout', 'not a duration');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.name).toBe('ConfigInvalidError');
    expect(err.message).toBe('agent.yaml: plugins[1].timeout: not a duration');
    expect(err.toJSON()).toEqual({ code: 'CONFIG_INVALID', message: err.message });
    expect(new ProtocolVersionError(7, [1]).toJSON().code).toBe('PROTOCOL_VERSION');
  });
});
