// What plugins may print or return, and the exact facts each rejection tells a site admin.
import { describe, expect, it } from 'vitest';
import { PROTOCOL } from '../../../shared/defaults.js';
import { PluginOutputError } from '../../../agent/errors.js';
import { normalizePluginValue, parsePluginOutput } from '../../../agent/plugins/parse-output.js';

/** The PluginOutputError `fn` throws (fails the test if it throws nothing or something else). */
function outputError(fn: () => unknown): PluginOutputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PluginOutputError);
    expect((err as PluginOutputError).code).toBe('PLUGIN_OUTPUT');
    return err as PluginOutputError;
  }
  throw new Error('expected a PluginOutputError, nothing was thrown');
}

describe('parsePluginOutput: a single number', () => {
  it.each([
    ['42', 42],
    ['  42\n', 42],
    ['\n\t-3.5\n\n', -3.5],
    ['1e3', 1000],
    ['+.5', 0.5],
    ['0', 0],
  ])('%j → the plugin name', (text, value) => {
    expect(parsePluginOutput('load', text)).toEqual({ load: value });
  });

  it.each(['NaN', 'Infinity', '-Infinity', '12abc', '0x10', '1e999', 'abc'])('%j is refused, quoting the output', (text) => {
    const err = outputError(() => parsePluginOutput('load', text));
    expect(err.message).toContain(`'${text}'`);
    expect(err.message).toContain('is not a number');
    expect(err.message).toContain('plugin load');
  });
});

describe('parsePluginOutput: key/value lines', () => {
  it('accepts blanks, tabs, = and : as separators, ignores blank lines and # comments', () => {
    const text = '# postfix queues\n\nincoming 1\nactive\t2\ndeferred=3\nhold: 4.5\n  maildrop = -1  \n# end\n';
    expect(parsePluginOutput('mailq', text)).toEqual({
      mailq_incoming: 1,
      mailq_active: 2,
      mailq_deferred: 3,
      mailq_hold: 4.5,
      mailq_maildrop: -1,
    });
  });

  it('accepts CRLF line ends and keys made of digits and _', () => {
    expect(parsePluginOutput('disk', 'sda_1 10\r\n2nd 20\r\n')).toEqual({ disk_sda_1: 10, disk_2nd: 20 });
  });

  it('names the line and the value that is not a number', () => {
    const err = outputError(() => parsePluginOutput('mailq', 'active 1\ndeferred 2\nqueue abc\n'));
    expect(err.message).toBe("plugin mailq: bad output: line 3: 'queue abc': value 'abc' is not a number");
  });

  it.each([
    ['x NaN', "value 'NaN'"],
    ['x Infinity', "value 'Infinity'"],
    ['x 12abc', "value '12abc'"],
    ['x 1 2', "value '1 2'"],
  ])('%j is refused', (line, fact) => {
    const err = outputError(() => parsePluginOutput('p', `ok 1\n${line}`));
    expect(err.message).toContain('line 2');
    expect(err.message).toContain(fact);
  });

  it('refuses a key outside the metric alphabet, naming it, rather than rewriting it', () => {
    const err = outputError(() => parsePluginOutput('mailq', 'Deferred 3'));
    expect(err.message).toContain("line 1: key 'Deferred' is not allowed");
    expect(err.message).toContain('lower-case letters, digits and _');
    expect(outputError(() => parsePluginOutput('mailq', 'queue-depth 3')).message).toContain("key 'queue-depth'");
  });

  it('refuses a metric name longer than the protocol allows', () => {
    const err = outputError(() => parsePluginOutput('plugin', `${'k'.repeat(64)} 1`));
    expect(err.message).toContain('is too long');
    expect(err.message).toContain(String(PROTOCOL.namePattern));
  });

  it('refuses a repeated key, naming both lines', () => {
    const err = outputError(() => parsePluginOutput('p', 'a 1\nb 2\na 3'));
    expect(err.message).toContain("line 3: key 'a' repeats line 1");
  });

  it('refuses a key without a value', () => {
    expect(outputError(() => parsePluginOutput('p', 'a 1\nb:')).message).toContain('line 2');
    expect(outputError(() => parsePluginOutput('p', 'a 1\nb=')).message).toContain('no value after the key');
  });

  it('refuses prose', () => {
    const err = outputError(() => parsePluginOutput('p', 'Everything is fine.\nqueue length is high'));
    expect(err.message).toContain("line 1: 'Everything is fine.': value 'is fine.' is not a number");
    const word = outputError(() => parsePluginOutput('p', 'ok 1\nfine'));
    expect(word.message).toContain("line 2: 'fine': expected `key value` (print a number, `key value` lines, or a JSON object of numbers)");
  });
});

describe('parsePluginOutput: JSON', () => {
  it('reads a flat object of numbers', () => {
    expect(parsePluginOutput('web', '{"active": 291, "reading": 6, "ratio": 0.25}\n')).toEqual({
      web_active: 291,
      web_reading: 6,
      web_ratio: 0.25,
    });
  });

  it('refuses nested objects and arrays, naming the key', () => {
    const err = outputError(() => parsePluginOutput('web', '{"active": 1, "nginx": {"waiting": 3}}'));
    expect(err.message).toContain("JSON key 'nginx'");
    expect(err.message).toContain('nested objects and arrays are not supported');
    expect(outputError(() => parsePluginOutput('web', '{"list": [1, 2]}')).message).toContain("key 'list': value is an array");
  });

  it('refuses strings and null, naming the key', () => {
    expect(outputError(() => parsePluginOutput('web', '{"active": "12"}')).message).toContain("key 'active': value is a string, not a number");
    expect(outputError(() => parsePluginOutput('web', '{"active": null}')).message).toContain('value is null');
  });

  it('refuses keys outside the alphabet, invalid JSON, non-objects and empty objects', () => {
    expect(outputError(() => parsePluginOutput('web', '{"Active": 1}')).message).toContain("key 'Active' is not allowed");
    expect(outputError(() => parsePluginOutput('web', '{"": 1}')).message).toContain('empty key');
    expect(outputError(() => parsePluginOutput('web', '{"active": 1,}')).message).toContain('not valid JSON');
    expect(outputError(() => parsePluginOutput('web', '[1, 2]')).message).toContain('line 1');
    expect(outputError(() => parsePluginOutput('web', '{}')).message).toContain('empty object');
  });

  it('treats a __proto__ key as an ordinary, prefixed name', () => {
    const values = parsePluginOutput('web', '{"__proto__": 1}');
    expect(Object.keys(values)).toEqual(['web___proto__']);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });
});

describe('parsePluginOutput: empty and oversized output', () => {
  it.each(['', '   \n\n', '# only a comment\n\n'])('%j is refused', (text) => {
    const err = outputError(() => parsePluginOutput('p', text));
    expect(err.message).toMatch(/no output|no values/);
  });

  it(`accepts ${PROTOCOL.maxMetrics} values and refuses one more`, () => {
    const lines = (n: number): string => Array.from({ length: n }, (_, i) => `k${i} ${i}`).join('\n');
    expect(Object.keys(parsePluginOutput('p', lines(PROTOCOL.maxMetrics)))).toHaveLength(PROTOCOL.maxMetrics);
    const err = outputError(() => parsePluginOutput('p', lines(PROTOCOL.maxMetrics + 1)));
    expect(err.message).toContain(`at most ${PROTOCOL.maxMetrics}`);
    const json = JSON.stringify(Object.fromEntries(Array.from({ length: PROTOCOL.maxMetrics + 1 }, (_, i) => [`k${i}`, i])));
    expect(outputError(() => parsePluginOutput('p', json)).message).toContain(`at most ${PROTOCOL.maxMetrics}`);
  });

  it('keeps a quoted line short', () => {
    const err = outputError(() => parsePluginOutput('p', `k ${'x'.repeat(1000)}`));
    expect(err.message.length).toBeLessThan(200);
  });
});

describe('normalizePluginValue', () => {
  it('takes a number or a flat object of numbers', () => {
    expect(normalizePluginValue('q', 7)).toEqual({ q: 7 });
    expect(normalizePluginValue('q', { depth: 7, limit: 0 })).toEqual({ q_depth: 7, q_limit: 0 });
  });

  it.each([
    [Number.NaN, 'returned NaN, not a finite number'],
    [Number.POSITIVE_INFINITY, 'returned Infinity'],
    ['12', 'returned a string; return a number or an object of numbers'],
    [undefined, 'returned undefined (did it forget to return?)'],
    [null, 'returned null'],
    [[1, 2], 'returned an array'],
    [{ depth: Number.NaN }, "key 'depth': value NaN is not a finite number"],
    [{ depth: '3' }, "key 'depth': value is a string, not a number"],
    [{ nested: { a: 1 } }, 'nested objects and arrays are not supported'],
    [{ Depth: 1 }, "key 'Depth' is not allowed"],
    [{}, 'empty object'],
  ])('%j is refused: %s', (value, fact) => {
    expect(outputError(() => normalizePluginValue('q', value)).message).toContain(fact);
  });
});
