// The wire protocol: valid messages pass unchanged, every kind of bad frame gets its stable error code.
import { describe, expect, it } from 'vitest';
import { PROTOCOL } from '../../../shared/defaults.js';
import { LvsfError } from '../../../shared/errors.js';
import { decodeAgentMessage, decodeDirectorMessage, encodeMessage } from '../../../shared/protocol/codec.js';
import type { HelloMessage, ReportMessage } from '../../../shared/protocol/messages.js';

const hello: HelloMessage = {
  type: 'hello',
  protocol: 1,
  agentId: 'web-1.example',
  token: 's3cret',
  agentVersion: '0.1.0',
  host: { hostname: 'web-1', cores: 8, cpuModel: 'AMD EPYC', cpuMHz: 2450.5, memTotalBytes: 33_554_432_000 },
  ports: [80, 443],
};

const report: ReportMessage = {
  type: 'report',
  seq: 41,
  ts: 1_795_000_000_000,
  intervalMs: 2000,
  metrics: {
    cpu_idle_pct: { mean: 61.5, min: 55, max: 68, n: 2 },
    mailq_deferred: { mean: 12, min: 12, max: 12, n: 2 },
  },
  plugins: {
    mailq: { ok: true, durationMs: 3.2, ageMs: 800 },
    nginx: { ok: false, durationMs: 1500, error: { code: 'PLUGIN_TIMEOUT', message: 'plugin nginx: no result within 1500 ms' } },
  },
};

/** The code of the error a decode throws, or 'ok'. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(LvsfError);
    return (err as LvsfError).code;
  }
}

const withReport = (patch: Record<string, unknown>) => JSON.stringify({ ...report, ...patch });

describe('agent messages', () => {
  it('round-trips a hello and a report unchanged', () => {
    expect(decodeAgentMessage(encodeMessage(hello))).toEqual(hello);
    expect(decodeAgentMessage(Buffer.from(encodeMessage(report)))).toEqual(report);
  });

  it('refuses frames over the size limit before parsing them', () => {
    const big = 'x'.repeat(PROTOCOL.maxMessageBytes + 1);
    expect(codeOf(() => decodeAgentMessage(big))).toBe('MSG_TOO_LARGE');
  });

  it('refuses text that is not a JSON object', () => {
    expect(codeOf(() => decodeAgentMessage('{"type":'))).toBe('MSG_MALFORMED');
    expect(codeOf(() => decodeAgentMessage('[1,2]'))).toBe('MSG_MALFORMED');
    expect(codeOf(() => decodeAgentMessage('42'))).toBe('MSG_MALFORMED');
  });

  it('names an unknown field', () => {
    expect(() => decodeAgentMessage(withReport({ extra: 1 }))).toThrow(/unrecognized.*extra|extra/i);
    expect(codeOf(() => decodeAgentMessage(withReport({ extra: 1 })))).toBe('MSG_INVALID');
  });

  it('refuses non-finite numbers (JSON 1e999 parses to Infinity)', () => {
    const text = withReport({}).replace('"mean":61.5', '"mean":1e999');
    expect(codeOf(() => decodeAgentMessage(text))).toBe('MSG_INVALID');
  });

  it('refuses metric names outside the safe alphabet', () => {
    for (const name of ['CPU', '1cpu', 'cpu-idle', 'cpu.idle', '__proto__', 'a'.repeat(65)]) {
      const metrics = { [name]: { mean: 1, min: 1, max: 1, n: 1 } };
      expect(codeOf(() => decodeAgentMessage(withReport({ metrics }))), name).toBe('MSG_INVALID');
    }
  });

  it('bounds the number of metrics', () => {
    const metrics: Record<string, unknown> = {};
    for (let i = 0; i <= PROTOCOL.maxMetrics; i++) metrics[`m${i}`] = { mean: 1, min: 1, max: 1, n: 1 };
    expect(() => decodeAgentMessage(withReport({ metrics }))).toThrow(/at most 256 metrics/);
  });

  it('refuses a statistic whose mean lies outside [min, max]', () => {
    const metrics = { cpu_idle_pct: { mean: 90, min: 10, max: 20, n: 2 } };
    expect(codeOf(() => decodeAgentMessage(withReport({ metrics })))).toBe('MSG_INVALID');
  });

  it('refuses an unknown message type and a missing field', () => {
    expect(codeOf(() => decodeAgentMessage('{"type":"gossip"}'))).toBe('MSG_INVALID');
    const { token: _token, ...noToken } = hello;
    expect(codeOf(() => decodeAgentMessage(JSON.stringify(noToken)))).toBe('MSG_INVALID');
  });

  it('answers an unknown protocol version with PROTOCOL_VERSION, whatever else the hello holds', () => {
    expect(codeOf(() => decodeAgentMessage(JSON.stringify({ ...hello, protocol: 2, future: { x: 1 } })))).toBe('PROTOCOL_VERSION');
  });
});

describe('director messages', () => {
  it('accepts welcome and error', () => {
    const welcome = { type: 'welcome', protocol: 1, directorId: 'lvs-a', reportIntervalMs: 2000 } as const;
    expect(decodeDirectorMessage(JSON.stringify(welcome))).toEqual(welcome);
    const error = { type: 'error', code: 'AUTH_FAILED', message: 'token rejected' } as const;
    expect(decodeDirectorMessage(JSON.stringify(error))).toEqual(error);
  });

  it('bounds the report interval a director may ask for', () => {
    const welcome = { type: 'welcome', protocol: 1, directorId: 'lvs-a', reportIntervalMs: 10 };
    expect(codeOf(() => decodeDirectorMessage(JSON.stringify(welcome)))).toBe('MSG_INVALID');
  });
});
