// The hostile frames of the fuzz suite, drawn from a seeded source: what an attacker, or a broken agent, can put on the wire.
import { PROTOCOL } from '../../shared/defaults.js';
import { DIRECTOR_DEFAULTS } from '../../director/defaults.js';
import { helloFrame } from '../helpers/agent-client.js';
import type { Random } from '../helpers/seeded-random.js';

/** One frame to send: text (possibly invalid UTF-8 bytes) or binary. */
export interface Frame {
  readonly kind: string;
  readonly data: string | Buffer;
  readonly binary: boolean;
}

const text = (kind: string, data: string | Record<string, unknown> | unknown[]): Frame => ({ kind, data: typeof data === 'string' ? data : JSON.stringify(data), binary: false });

/** Metrics a real agent sends, the ones the capacity law reads. */
const METRICS = ['cpu_idle_pct', 'cpu_util_pct', 'run_queue_per_core', 'tcp_passive_opens_per_s', 'established', 'mem_available_pct'] as const;

const stat = (v: number, n = 1) => ({ mean: v, min: v, max: v, n });

/** Numbers at the edges of what JSON and doubles hold. */
const EDGE_NUMBERS = [0, -0, 1e308, -1e308, 5e-324, 2 ** 53 - 1, -(2 ** 53), 1e21, 4_294_967_296, -1, 0.1] as const;

/** A large payload built once: the oversized kinds repeat it (the director must read it whole or not at all). */
const PAD_TOO_LARGE = 'x'.repeat(PROTOCOL.maxMessageBytes + 1);
const PAD_OVER_FRAME = 'y'.repeat(DIRECTOR_DEFAULTS.agents.maxFrameBytes + 1);
/** Now and then a frame far over the limit: a director that read it whole would hold megabytes per connection. */
const PAD_HUGE = 'z'.repeat(8 * 1_048_576);

function randomId(r: Random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';
  const n = r.int(1, 64);
  let s = r.pick('abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
  for (let i = 1; i < n; i++) s += r.pick(alphabet.split(''));
  return s;
}

/** Ids no agent has: well-formed ones (many, attacker-chosen), ill-formed ones, and prototype names. */
function unknownId(r: Random): string {
  return r.chance(0.8) ? `x-${randomId(r)}`.slice(0, 64) : r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', 'a'.repeat(65), 'é', '../../etc/passwd', 'web1\n{"level":60}', '\u0000']);
}

function garbageText(r: Random): string {
  const shapes = [
    () => '',
    () => '{',
    () => 'null',
    () => '[]',
    () => '"hello"',
    () => '12345',
    () => 'true',
    () => '{"type":"hello"',
    () => '{"type":"report"}}',
    () => String.fromCharCode(...Array.from({ length: r.int(1, 200) }, () => r.int(1, 0xd7ff))),
    () => JSON.stringify({ type: 'hello' }).replace(':', ''),
    () => '\ufeff{"type":"hello"}',
    () => '{"a":' + '1'.repeat(r.int(400, 4_000)) + '}',
  ];
  return r.pick(shapes)();
}

function deepJson(r: Random): string {
  const depth = r.int(100, 20_000);
  return r.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function randomBytes(r: Random, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = r.int(0, 255);
  return b;
}

/** A report that passes the schema (for the agent that sent it) with a claim at the edges. */
export function edgeReport(r: Random, seq: number): Record<string, unknown> {
  const now = Date.now();
  const metrics = Object.fromEntries(METRICS.filter(() => r.chance(0.7)).map((m) => [m, stat(r.chance(0.5) ? r.pick(EDGE_NUMBERS) : r.int(0, 100_000), r.int(1, 3_600))]));
  return {
    type: 'report',
    seq: r.chance(0.9) ? seq : r.pick([0, 2 ** 53 - 1, seq + 1_000_000]),
    ts: r.chance(0.7) ? now + r.int(-1_500, 1_500) : r.pick([0, 1, now - 86_400_000, now + 86_400_000, 2 ** 53 - 1]),
    intervalMs: r.chance(0.5) ? r.pick([1, 499, 3_600_000, 2_000]) : r.int(1, 3_600_000),
    metrics,
    plugins: r.chance(0.2) ? { p: { ok: false, durationMs: 1e300, error: { code: 'X', message: 'y'.repeat(PROTOCOL.maxTextLength) } } } : {},
  };
}

/** A report a real agent would send, with plain values: it keeps a connection counted as sending valid ones. */
export function plainReport(r: Random, seq: number): Record<string, unknown> {
  const idle = r.int(0, 100);
  return { type: 'report', seq, ts: Date.now(), intervalMs: 500, metrics: { cpu_idle_pct: stat(idle), cpu_util_pct: stat(100 - idle), tcp_passive_opens_per_s: stat(r.int(0, 500)), established: stat(r.int(0, 300)) }, plugins: {} };
}

/** Reports the schema refuses: wrong types, non-finite numbers, out-of-range fields, too many metrics, pollution keys. */
export function badReport(r: Random, seq: number): Frame {
  const base = plainReport(r, seq);
  const raw = JSON.stringify(base);
  const tooMany = Object.fromEntries(Array.from({ length: PROTOCOL.maxMetrics + r.int(1, 50) }, (_, i) => [`m${i}`, stat(1)]));
  const shapes: (() => Frame)[] = [
    () => text('report-wrong-type', { ...base, seq: String(seq) }),
    () => text('report-wrong-type', { ...base, ts: null }),
    () => text('report-wrong-type', { ...base, metrics: [stat(1)] }),
    () => text('report-wrong-type', { ...base, metrics: { cpu_idle_pct: 50 } }),
    () => text('report-wrong-type', { ...base, plugins: 'none' }),
    () => text('report-non-finite', raw.replace(/"mean":\d+/, `"mean":${r.pick(['"NaN"', '"Infinity"', '"-Infinity"', 'null'])}`)),
    () => text('report-non-finite', raw.replace(/"mean":\d+/, `"mean":${r.pick(['1e999', '-1e999', '1' + '0'.repeat(400)])}`)),
    () => text('report-huge-number', raw.replace(/"seq":\d+/, `"seq":${r.pick(['1e400', '9007199254740993', '-1', '1.5'])}`)),
    () => text('report-bad-interval', { ...base, intervalMs: r.pick([-1, 0, -3_600_000, 3_600_001, 1e15, 0.5]) }),
    () => text('report-too-many-metrics', { ...base, metrics: tooMany }),
    () => text('report-bad-stat', { ...base, metrics: { cpu_idle_pct: { mean: 50, min: 60, max: 70, n: 1 } } }),
    () => text('report-bad-stat', { ...base, metrics: { cpu_idle_pct: { ...stat(5), n: r.pick([0, 3_601, -1]) } } }),
    () => text('report-bad-name', { ...base, metrics: { [r.pick(['CPU', '1abc', 'a-b', 'a'.repeat(65), 'é'])]: stat(1) } }),
    () => text('report-pollution', raw.replace('"metrics":{', `"metrics":{"${r.pick(['__proto__', 'constructor', 'prototype'])}":${JSON.stringify(stat(100))},`)),
    () => text('report-pollution', raw.replace('{"type"', `{"__proto__":{"intervalMs":3600000,"polluted":true},"constructor":{"prototype":{"polluted":true}},"type"`)),
    () => text('report-unknown-field', { ...base, agentId: r.pick(['web1', 'h1']), weight: 1_000 }),
    () => text('report-unknown-type', { ...base, type: r.pick(['weights', 'welcome', 'error', 'Report', '']) }),
    () => {
      const depth = r.int(50, 5_000);
      return text('report-deep', raw.replace('"plugins":{}', `"plugins":${'{"p":'.repeat(depth)}1${'}'.repeat(depth)}`));
    },
    () => text('deep-json', deepJson(r)),
    () => text('garbage', garbageText(r)),
    () => ({ kind: 'binary', data: Buffer.from(raw), binary: true }),
    () => ({ kind: 'invalid-utf8', data: Buffer.concat([Buffer.from(raw.slice(0, 20)), Buffer.from([0xc3, 0x28, 0xff])]), binary: false }),
  ];
  return r.pick(shapes)();
}

export interface Ids {
  /** Ids the director knows (honest and rogue), whose tokens the attacker does not have. */
  readonly known: readonly string[];
}

/** A first frame on a connection that has not said hello: each is refused, and the connection closed. */
export function unauthenticatedFrame(r: Random, ids: Ids, kind: string): Frame {
  const hello = (id: string, token: string) => helloFrame(id, token);
  switch (kind) {
    case 'garbage':
      return text(kind, garbageText(r));
    case 'deep-json':
      return text(kind, deepJson(r));
    case 'invalid-utf8':
      return { kind, data: Buffer.from([0x7b, 0xff, 0xfe, 0x80, r.int(0x80, 0xff)]), binary: false };
    case 'binary':
      return { kind, data: r.chance(0.5) ? randomBytes(r, r.int(1, 512)) : Buffer.from(JSON.stringify(hello(r.pick(ids.known), 'wrong-token-0123456789'))), binary: true };
    case 'too-large':
      return text(kind, JSON.stringify(hello(r.pick(ids.known), 'x')).replace('"ports":[]', `"ports":[],"pad":"${PAD_TOO_LARGE.slice(0, PROTOCOL.maxMessageBytes + r.int(1, 1_000))}"`));
    case 'over-frame-limit':
      return text(kind, r.chance(0.03) ? PAD_HUGE : PAD_OVER_FRAME);
    case 'wrong-token':
      return text(kind, hello(r.pick(ids.known), r.pick(['', 'x', 'wrong-token-0123456789', 't'.repeat(PROTOCOL.maxTextLength), randomId(r)])));
    case 'unknown-id':
      return text(kind, hello(unknownId(r), randomId(r)));
    case 'report-before-hello':
      return r.chance(0.5) ? text(kind, plainReport(r, r.int(0, 100))) : text(kind, { ...edgeReport(r, 0), agentId: r.pick(ids.known) });
    case 'bad-hello':
      return text(kind, badHello(r, ids));
    default:
      throw new Error(`no frame kind ${kind}`);
  }
}

/** The kinds of first frame, each as likely as the others. */
export const UNAUTHENTICATED_KINDS = ['garbage', 'deep-json', 'invalid-utf8', 'binary', 'too-large', 'over-frame-limit', 'wrong-token', 'unknown-id', 'report-before-hello', 'bad-hello'] as const;

function badHello(r: Random, ids: Ids): Record<string, unknown> | string {
  const h = helloFrame(r.pick(ids.known), 'wrong-token-0123456789');
  const shapes: (() => Record<string, unknown> | string)[] = [
    () => ({ ...h, protocol: r.pick([0, 2, 999, '1', null, 1.5]) }),
    () => ({ ...h, host: { hostname: 'h', cores: r.pick([0, -1, 1e9, 1.5, '4']) } }),
    () => ({ ...h, ports: Array.from({ length: r.int(65, 200) }, (_, i) => i + 1) }),
    () => ({ ...h, ports: [0, 70_000, -1] }),
    () => ({ ...h, agentVersion: 'v'.repeat(PROTOCOL.maxTextLength + 1) }),
    () => ({ ...h, extra: true }),
    () => ({ type: 'hello' }),
    () => JSON.stringify(h).replace('{"type"', '{"__proto__":{"token":"x","isAdmin":true},"constructor":{"prototype":{"polluted":true}},"type"'),
    () => ({ ...h, token: { toString: 'x' } }),
    () => ({ ...h, agentId: ['web1'] }),
  ];
  return r.pick(shapes)();
}
