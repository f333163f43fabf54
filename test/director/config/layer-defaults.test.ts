// How the director config layers its settings: DIRECTOR_DEFAULTS ← the `defaults:` block ← a service's own keys.
import { describe, expect, it } from 'vitest';
import { directorConfigFromData } from '../../../director/config/load.js';
import type { ServiceSettings } from '../../../director/core/core-config.js';
import { DIRECTOR_DEFAULTS } from '../../../director/defaults.js';

const S = DIRECTOR_DEFAULTS.service;
const TOKEN = 'layer-token-0123456789';

/** A config with agents a1, a2 and the given services (each a name, an address and port, one or two real servers). */
function config(services: Record<string, unknown>[], top: Record<string, unknown> = {}) {
  return directorConfigFromData(
    {
      agents: [{ id: 'a1', token: TOKEN }, { id: 'a2', token: TOKEN }],
      services: services.map((s, i) => ({
        name: `svc${i}`,
        address: '10.0.0.1',
        port: 80 + i,
        realServers: [{ address: '10.0.1.1', agent: 'a1' }],
        ...s,
      })),
      ...top,
    },
    'director.yaml',
    '/etc/lvs-feedback',
  );
}

const serviceOf = (services: readonly ServiceSettings[], i: number): ServiceSettings => {
  const s = services[i];
  if (!s) throw new Error(`no service ${i}`);
  return s;
};

describe('director config: the defaults block and each service', () => {
  it('gives a service the defaults block’s settings, and a service’s own key wins over the block', () => {
    const block = { referenceWeight: 50, minWeight: 5, maxWeight: 500, stalePolicy: 'hold', expression: 'cpu_idle_pct / 100' };
    // Every value differs from DIRECTOR_DEFAULTS, so one that fell through to them would show.
    expect([S.referenceWeight, S.minWeight, S.maxWeight, S.stalePolicy].map((v, i) => v === Object.values(block)[i])).toEqual([false, false, false, false]);
    const c = config([{}, { referenceWeight: 80, stalePolicy: 'quiesce', maxWeight: 300, expression: 'mem_available_pct / 100' }], { defaults: block });
    const [plain, own] = [serviceOf(c.core.services, 0), serviceOf(c.core.services, 1)];

    expect(plain.referenceWeight).toBe(50);
    expect(plain.stalePolicy).toBe('hold');
    expect(plain.realServers[0]).toMatchObject({ minWeight: 5, maxWeight: 500 });
    expect(plain.expression?.source).toBe('cpu_idle_pct / 100');

    expect(own.referenceWeight).toBe(80);
    expect(own.stalePolicy).toBe('quiesce');
    expect(own.realServers[0]).toMatchObject({ minWeight: 5, maxWeight: 300 });
    expect(own.expression?.source).toBe('mem_available_pct / 100');
  });

  it('merges damping, capacity and fallback key by key: a service’s maxStep keeps the block’s deadband', () => {
    const c = config([{ damping: { maxStep: 10 }, capacity: { rateFrom: 'kernel' }, fallback: { keepCount: 3 } }, {}], {
      defaults: { damping: { deadband: 3, maxStep: 40 }, capacity: { utilizationFloor: 0.3 }, fallback: { after: '20s', keepCount: 2 } },
    });
    const [own, plain] = [serviceOf(c.core.services, 0), serviceOf(c.core.services, 1)];
    expect(own.damping).toEqual({ ...S.damping, deadbandPct: 3, maxStepPct: 10 });
    expect(own.capacity).toEqual({ utilizationFloor: 0.3, rateFrom: 'kernel', maxRatio: S.capacity.maxRatio, maxGrowthPerMinute: S.capacity.maxGrowthPerMinute });
    expect(own.fallback).toEqual({ ...S.fallback, afterMs: 20_000, keepCount: 3 });
    expect(plain.damping).toEqual({ ...S.damping, deadbandPct: 3, maxStepPct: 40 });
    expect(plain.capacity).toEqual({ ...S.capacity, utilizationFloor: 0.3 });
    expect(plain.fallback).toEqual({ ...S.fallback, afterMs: 20_000, keepCount: 2 });
  });

  it('keeps the layer below for a key given as undefined (config built in code)', () => {
    const c = config([{ referenceWeight: undefined, damping: { deadband: undefined, maxStep: 30 } }], {
      defaults: { referenceWeight: 60, damping: { deadband: 4 } },
      reportInterval: undefined,
    });
    const svc = serviceOf(c.core.services, 0);
    expect(svc.referenceWeight).toBe(60);
    expect(svc.damping.deadbandPct).toBe(4);
    expect(svc.damping.maxStepPct).toBe(30);
    expect(c.reportIntervalMs).toBe(DIRECTOR_DEFAULTS.reportIntervalMs);
  });

  it('gives a real server its service’s port and weight bounds unless it sets its own, and clamps its weight into them', () => {
    const c = config([
      {
        port: 8080,
        minWeight: 20,
        maxWeight: 90,
        realServers: [
          { address: '10.0.1.1', agent: 'a1', weight: 200 },
          { address: '10.0.1.2', agent: 'a2', port: 9090, minWeight: 1, maxWeight: 400, weight: 200 },
        ],
        sorryServers: [{ address: '10.0.9.1' }, { address: '10.0.9.2', port: 7070 }],
      },
    ]);
    const svc = serviceOf(c.core.services, 0);
    expect(svc.realServers.map((r) => [r.id, r.minWeight, r.maxWeight, r.baseWeight])).toEqual([
      ['10.0.1.1:8080', 20, 90, 90],
      ['10.0.1.2:9090', 1, 400, 200],
    ]);
    expect(svc.sorryServers.map((s) => s.id)).toEqual(['10.0.9.1:8080', '10.0.9.2:7070']);
  });

  it('makes an agent stale after DIRECTOR_DEFAULTS.staleAfterIntervals report intervals unless staleAfter is set', () => {
    expect(config([{}], { reportInterval: '4s' }).core.staleAfterMs).toBe(DIRECTOR_DEFAULTS.staleAfterIntervals * 4_000);
    expect(config([{}]).core.staleAfterMs).toBe(DIRECTOR_DEFAULTS.staleAfterIntervals * DIRECTOR_DEFAULTS.reportIntervalMs);
    expect(config([{}], { reportInterval: '4s', staleAfter: '5s' }).core.staleAfterMs).toBe(5_000);
  });

  it('merges listen, status and smoothing key by key with their defaults', () => {
    const LIMITS = { maxConnections: DIRECTOR_DEFAULTS.agents.maxConnections, maxConnectionsPerAddress: DIRECTOR_DEFAULTS.agents.maxConnectionsPerAddress };
    const c = config([{}], { listen: { port: 9000 }, status: { port: 9100 }, smoothing: { blackout: '2s' } });
    expect(c.listen).toEqual({ host: DIRECTOR_DEFAULTS.listen.host, port: 9000, ...LIMITS });
    expect(c.status).toEqual({ ...DIRECTOR_DEFAULTS.status, port: 9100 });
    expect(c.core.smoothing).toMatchObject({ tauMs: DIRECTOR_DEFAULTS.smoothing.tauMs, blackoutMs: 2_000 });
    const other = config([{}], { listen: { host: '127.0.0.1' }, status: { enabled: false }, smoothing: { timeConstant: '3s' } });
    expect(other.listen).toEqual({ host: '127.0.0.1', port: DIRECTOR_DEFAULTS.listen.port, ...LIMITS });
    expect(other.status).toEqual({ ...DIRECTOR_DEFAULTS.status, enabled: false });
    expect(other.core.smoothing).toMatchObject({ tauMs: 3_000, blackoutMs: DIRECTOR_DEFAULTS.smoothing.blackoutMs });
  });

  it('makes the smoothing window five time constants, a minute at least, or as set, in whole control intervals', () => {
    expect(config([{}], { smoothing: { timeConstant: '3s' } }).core.smoothing.windowMs).toBe(60_000);
    expect(config([{}], { smoothing: { timeConstant: '30s' } }).core.smoothing.windowMs).toBe(150_000);
    expect(config([{}], { controlInterval: '4s', smoothing: { timeConstant: '30s' } }).core.smoothing.windowMs).toBe(152_000);
    expect(config([{}], { controlInterval: '2s', smoothing: { window: '15s' } }).core.smoothing.windowMs).toBe(16_000);
  });
});
