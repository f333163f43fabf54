// Turns what a plugin printed or returned into named metrics, or a PluginOutputError a site admin can act on.
//
// Accepted forms (the whole output is one of them):
//   a single number                 "42"                    → { <name>: 42 }
//   key/value lines                 "deferred 3" (also "deferred=3", "deferred: 3")
//                                   blank lines and lines starting with # are ignored → { <name>_deferred: 3 }
//   a flat JSON object of numbers   {"deferred": 3}         → { <name>_deferred: 3 }
// Keys are never rewritten: a key outside lower-case letters, digits and _ is refused with its name, because a
// silently mangled key would not match the variable the director's weight expression uses.
import { PROTOCOL } from '../../shared/defaults.js';
import { describeError } from '../../shared/errors.js';
import { PluginOutputError } from '../errors.js';
import type { Metrics } from '../collectors/collector.js';

/** What every plugin may produce; the hint ends most error messages. */
export const OUTPUT_CONTRACT = 'print a number, `key value` lines, or a JSON object of numbers';

/** A plain decimal number: no hex, no NaN/Infinity, no trailing text. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A key: the characters a metric name may hold after `<name>_`. */
const KEY = /^[a-z0-9_]+$/;
/** `key value`, `key=value` or `key: value`; the key holds no blank, `=` or `:`. */
const LINE = /^([^\s=:]+)(?:\s*[=:]\s*|\s+)(.*)$/;
/** Longest excerpt of a bad line quoted in a message (messages travel in reports, whose text is limited). */
const QUOTE_MAX = 60;

function quote(text: string): string {
  return `'${text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text}'`;
}

/** Parses a strict decimal number; null when the text is not one (or overflows to ±Infinity). */
function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** `<name>_<key>`, or a PluginOutputError saying what is wrong with the key. */
function metricName(plugin: string, key: string, where: string): string {
  if (key === '') throw new PluginOutputError(plugin, `${where}: empty key`);
  if (!KEY.test(key)) {
    throw new PluginOutputError(
      plugin,
      `${where}: key ${quote(key)} is not allowed: keys are lower-case letters, digits and _ (they become metric names like ${plugin}_queue_depth)`,
    );
  }
  const name = `${plugin}_${key}`;
  if (!PROTOCOL.namePattern.test(name)) {
    throw new PluginOutputError(plugin, `${where}: metric name ${quote(name)} is too long (names must match ${PROTOCOL.namePattern})`);
  }
  return name;
}

function checkCount(plugin: string, count: number): void {
  if (count > PROTOCOL.maxMetrics) {
    throw new PluginOutputError(plugin, `${count} values, at most ${PROTOCOL.maxMetrics} are allowed per plugin`);
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined (did it forget to return?)';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Converts a record whose values must all be finite numbers; `what` says where it came from ("JSON", "collect()"). */
function recordToMetrics(plugin: string, record: object, what: string): Metrics {
  const entries: [string, unknown][] = Object.entries(record);
  if (entries.length === 0) throw new PluginOutputError(plugin, `${what} is an empty object: no values (${OUTPUT_CONTRACT})`);
  checkCount(plugin, entries.length);
  const out: Metrics = {};
  for (const [key, value] of entries) {
    const name = metricName(plugin, key, `${what} key ${quote(key)}`);
    if (typeof value !== 'number') {
      const nested = value !== null && typeof value === 'object' ? ' (nested objects and arrays are not supported: use a flat object)' : '';
      throw new PluginOutputError(plugin, `${what} key ${quote(key)}: value is ${typeOf(value)}, not a number${nested}`);
    }
    if (!Number.isFinite(value)) throw new PluginOutputError(plugin, `${what} key ${quote(key)}: value ${value} is not a finite number`);
    out[name] = value;
  }
  return out;
}

function parseJson(plugin: string, text: string): Metrics {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PluginOutputError(plugin, `output starts with { but is not valid JSON: ${describeError(err)}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PluginOutputError(plugin, `JSON output is ${typeOf(data)}, not an object of numbers`);
  }
  return recordToMetrics(plugin, data, 'JSON');
}

function parseLines(plugin: string, text: string): Metrics {
  const out: Metrics = {};
  const seenAt = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [i, lineText] of lines.entries()) {
    const line = lineText.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `line ${i + 1}`;
    const m = LINE.exec(line);
    const key = m?.[1];
    const raw = m?.[2]?.trim();
    if (key === undefined || raw === undefined) throw new PluginOutputError(plugin, `${where}: ${quote(line)}: expected \`key value\` (${OUTPUT_CONTRACT})`);
    // The value first: a line of prose is better explained by its "value" than by its first word as a key.
    if (raw === '') throw new PluginOutputError(plugin, `${where}: ${quote(line)}: no value after the key`);
    const value = parseNumber(raw);
    if (value === null) throw new PluginOutputError(plugin, `${where}: ${quote(line)}: value ${quote(raw)} is not a number`);
    const name = metricName(plugin, key, where);
    const prev = seenAt.get(key);
    if (prev !== undefined) throw new PluginOutputError(plugin, `${where}: key ${quote(key)} repeats line ${prev}`);
    seenAt.set(key, i + 1);
    out[name] = value;
    checkCount(plugin, seenAt.size);
  }
  if (seenAt.size === 0) throw new PluginOutputError(plugin, `no values, only blank lines and comments (${OUTPUT_CONTRACT})`);
  return out;
}

/** Parses an executable plugin's stdout. Throws PluginOutputError. */
export function parsePluginOutput(pluginName: string, stdoutText: string): Metrics {
  const text = stdoutText.trim();
  if (text === '') throw new PluginOutputError(pluginName, `no output (${OUTPUT_CONTRACT})`);
  if (text.startsWith('{')) return parseJson(pluginName, text);
  if (!/\s/.test(text)) {
    const value = parseNumber(text);
    if (value !== null) return { [pluginName]: value };
    if (!/[=:]/.test(text)) throw new PluginOutputError(pluginName, `output ${quote(text)} is not a number (${OUTPUT_CONTRACT})`);
  }
  return parseLines(pluginName, text);
}

/** Checks what a module plugin's collect() returned: a finite number or a flat object of finite numbers. */
export function normalizePluginValue(name: string, value: unknown): Metrics {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PluginOutputError(name, `collect() returned ${value}, not a finite number`);
    return { [name]: value };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return recordToMetrics(name, value, 'collect() result');
  }
  throw new PluginOutputError(name, `collect() returned ${typeOf(value)}; return a number or an object of numbers`);
}
