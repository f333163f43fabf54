// The hand-written report check accepts exactly what the report schema accepts, and gives the same value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAgentMessage } from '../../shared/protocol/codec.js';
import { reportSchema } from '../../shared/protocol/messages.js';
import { checkReport } from '../../shared/protocol/report-check.js';

const number = fc.oneof(
  fc.integer({ min: -5, max: 4_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.constantFrom(0, -0, 1, 3_600, 3_601, 3_600_000, 3_600_001, Number.MAX_SAFE_INTEGER, 2 ** 53, 0.5, -1),
);
const anything = fc.oneof(number, fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({}));
const value = fc.oneof({ weight: 4, arbitrary: number }, { weight: 1, arbitrary: anything });
const name = fc.oneof(fc.constantFrom('cpu_util_pct', 'a', 'x9_', '__proto__', 'constructor', 'toString', 'A', '1a', '', 'a'.repeat(64), 'a'.repeat(65)), fc.string({ maxLength: 4 }));
const stat = fc.oneof(
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -100, max: 100 }).map((m) => ({ mean: m, min: m - 1, max: m + 1, n: 2 })) },
  { weight: 3, arbitrary: fc.record({ mean: value, min: value, max: value, n: value, extra: anything }, { requiredKeys: ['mean', 'min', 'max', 'n'] }) },
  { weight: 1, arbitrary: fc.record({ mean: value, min: value, max: value, n: value }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anything },
);
const text = fc.oneof(fc.string({ maxLength: 5 }), fc.constant('x'.repeat(512)), fc.constant('x'.repeat(513)), anything);
const plugin = fc.oneof(
  fc.record({ ok: fc.oneof(fc.boolean(), anything), durationMs: value, ageMs: value, error: fc.oneof(fc.record({ code: text, message: text }, { requiredKeys: [] }), fc.record({ code: text, message: text, more: anything }), anything), extra: anything }, { requiredKeys: ['ok', 'durationMs'] }),
  anything,
);
const report = fc.record(
  {
    type: fc.oneof({ weight: 6, arbitrary: fc.constant('report') }, { weight: 1, arbitrary: fc.constantFrom('hello', 'Report', 1) }),
    seq: value,
    ts: value,
    intervalMs: value,
    metrics: fc.oneof({ weight: 6, arbitrary: fc.dictionary(name, stat, { maxKeys: 4 }) }, { weight: 1, arbitrary: anything }),
    plugins: fc.oneof({ weight: 6, arbitrary: fc.dictionary(name, plugin, { maxKeys: 3 }) }, { weight: 1, arbitrary: anything }),
    protocol: fc.constant(1),
    extra: anything,
  },
  { requiredKeys: [] },
);

/** A valid report with one field changed, removed or added: where a check that is off by one shows. */
const PATHS = ['seq', 'ts', 'intervalMs', 'type', 'metrics', 'plugins', 'metrics.m', 'metrics.m.mean', 'metrics.m.min', 'metrics.m.max', 'metrics.m.n', 'metrics.m.x', 'plugins.p', 'plugins.p.ok', 'plugins.p.durationMs', 'plugins.p.ageMs', 'plugins.p.error', 'plugins.p.error.code', 'plugins.p.error.message', 'plugins.p.error.x', 'x'];
const oneChange = fc.tuple(fc.constantFrom(...PATHS), fc.oneof(value, text, fc.constant(undefined))).map(([path, v]) => {
  const r: Record<string, unknown> = { type: 'report', seq: 3, ts: 1_000, intervalMs: 2_000, metrics: { m: { mean: 5, min: 4, max: 6, n: 2 } }, plugins: { p: { ok: false, durationMs: 3, ageMs: 10, error: { code: 'E', message: 'm' } } } };
  const keys = path.split('.');
  let at = r;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1)!] = v;
  return r;
});

/** Both verdicts on one object as it arrives off the wire (through JSON). */
function verdicts(obj: unknown): { zod: ReturnType<typeof reportSchema.safeParse>; mine: { ok: true; value: unknown } | { ok: false; code: string } } {
  const wire = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const zod = reportSchema.safeParse(wire);
  try {
    return { zod, mine: { ok: true, value: checkReport(wire) } };
  } catch (err) {
    return { zod, mine: { ok: false, code: (err as { code: string }).code } };
  }
}

describe('the hand-written report check', () => {
  it('agrees with the schema on every generated report, valid or not, and returns the same value', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(report, oneChange, fc.record({ type: fc.constant('report'), seq: fc.nat(), ts: fc.nat(), intervalMs: fc.integer({ min: 1, max: 10_000 }), metrics: fc.dictionary(fc.constantFrom('cpu_util_pct', 'established', 'load1'), stat), plugins: fc.constant({}) })), (obj) => {
        const { zod, mine } = verdicts(obj);
        expect(mine.ok, JSON.stringify(obj)).toBe(zod.success);
        if (zod.success && mine.ok) {
          accepted++;
          expect(mine.value).toEqual(zod.data);
        }
        if (!mine.ok) expect(mine.code).toBe('MSG_INVALID');
      }),
      { numRuns: 20_000, seed: 1 },
    );
    // The generator must reach both sides, or the agreement says little.
    expect(accepted).toBeGreaterThan(1_000);
  });

  it('agrees at the size bounds: 256 metrics and 64 plugins pass, one more does not', () => {
    const s = { mean: 1, min: 1, max: 1, n: 1 };
    const metrics = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`m${i}`, s]));
    const plugins = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { ok: true, durationMs: 1 }]));
    for (const [m, p, ok] of [[256, 64, true], [257, 0, false], [0, 65, false]] as const) {
      const { zod, mine } = verdicts({ type: 'report', seq: 0, ts: 0, intervalMs: 1, metrics: metrics(m), plugins: plugins(p) });
      expect([zod.success, mine.ok]).toEqual([ok, ok]);
    }
  });

  it('refuses a number too large for a double, as the wire delivers it (1e999 is Infinity)', () => {
    const frame = '{"type":"report","seq":0,"ts":0,"intervalMs":1,"metrics":{"a":{"mean":1e999,"min":0,"max":1e999,"n":1}},"plugins":{}}';
    expect(() => decodeAgentMessage(frame)).toThrow(expect.objectContaining({ code: 'MSG_INVALID', message: expect.stringContaining('metrics.a.mean') }));
  });
});
