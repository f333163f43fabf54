// Every default of the director config comes from DIRECTOR_DEFAULTS: with other values there, a minimal config follows them.
import { describe, expect, it, vi } from 'vitest';
import { directorConfigFromData } from '../../../director/config/load.js';
import { DIRECTOR_DEFAULTS } from '../../../director/defaults.js';

type Defaults = typeof import('../../../director/defaults.js');

// DIRECTOR_DEFAULTS with every value the config uses changed (and still valid), so a default written anywhere else
// would give the old value instead of the one below.
vi.mock('../../../director/defaults.js', async (importOriginal) => {
  const { DIRECTOR_DEFAULTS: real } = await importOriginal<Defaults>();
  return {
    DIRECTOR_DEFAULTS: {
      ...real,
      id: 'changed-director',
      listen: { host: '127.0.0.9', port: 17_654 },
      status: { host: '127.0.0.8', port: 17_655, enabled: false },
      logLevel: 'warn',
      reportIntervalMs: 3_000,
      controlIntervalMs: 700,
      decisions: { settleMs: 300, maxClockSkewMs: 1_500, maxCatchUp: 7, maxPendingPerAgent: 5, clockNoticeQuietMs: 30_000 },
      dryRun: true,
      ipvs: { ...real.ipvs, binary: '/opt/sbin/ipvsadm', expireQuiescentTemplate: true },
      procRoot: '/host/proc',
      onExit: 'restore',
      smoothing: { tauMs: 7_000, blackoutMs: 3_000, windowTimeConstants: 3, windowMinMs: 10_000, noiseTimeConstants: 4 },
      staleAfterIntervals: 5,
      externalEditHoldMs: 60_000,
      pluginMetrics: ['changed_metric'],
      service: {
        protocol: 'udp',
        create: true,
        sorryServers: [{ address: '10.0.9.9' }],
        mode: 'expression',
        scheduler: 'sed',
        referenceWeight: 70,
        minWeight: 3,
        maxWeight: 700,
        stalePolicy: 'quiesce',
        staleHoldMs: 70_000,
        damping: { deadbandPct: 7, noiseErrors: 3, maxStepPct: 17, minIntervalMs: 1_700, slowStartMs: 17_000, slowStartFromPct: 27 },
        capacity: { utilizationFloor: 0.27, rateFrom: 'agent' },
        fallback: { afterMs: 2_700, recoverAfterMs: 3_700, recoverCount: 2, keepWeight: 4, keepCount: 3 },
      },
      realServer: { weight: 77, method: 'route', upperThreshold: 900, lowerThreshold: 800 },
      sorryServer: { weight: 7, method: 'tunnel' },
    },
  };
});

/** Only what the file must say; `changed_metric` is usable only if pluginMetrics' default reached the compiler. */
const MINIMAL = {
  agents: [{ id: 'a1', token: 'source-token-0123456789' }],
  services: [{ name: 'web', address: '10.0.0.1', port: 80, expression: 'cpu_idle_pct', realServers: [{ address: '10.0.1.1', agent: 'a1', upperThresholdFrom: 'changed_metric' }] }],
};
const EMPTY_POLICY = { damping: {}, capacity: {}, fallback: {} };
/** The same with every nested block present but empty, so a default hidden inside a block would show too. */
const EMPTY_BLOCKS = {
  ...MINIMAL,
  listen: {},
  status: {},
  smoothing: {},
  ipvs: {},
  defaults: EMPTY_POLICY,
  services: MINIMAL.services.map((s) => ({ ...s, ...EMPTY_POLICY })),
};

/** The leaves of a nested object as `path = value` lines, for comparing two defaults objects key by key. */
function leaves(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path} = ${JSON.stringify(value)}`];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

describe('director config defaults', () => {
  it('changes every value the config reads from the real defaults (so the test below can tell them apart)', async () => {
    const { DIRECTOR_DEFAULTS: real } = await vi.importActual<Defaults>('../../../director/defaults.js');
    const changed = new Set(leaves(DIRECTOR_DEFAULTS));
    const unchanged = leaves(real).filter((l) => changed.has(l) && !/^(agents|ipvs\.(timeoutMs|retries)|statusClientTimeoutMs|statusIndentUpTo|perf\.|idWithoutHostName|unitOpenFiles)\b/.test(l));
    expect(unchanged).toEqual([]);
  });

  it.each([
    ['absent', MINIMAL],
    ['empty', EMPTY_BLOCKS],
  ])('takes every default of a minimal config from DIRECTOR_DEFAULTS (nested blocks %s)', (_blocks, data) => {
    const D = DIRECTOR_DEFAULTS;
    const S = D.service;
    const c = directorConfigFromData(data, 'director.yaml', '/etc/lvs-feedback');
    expect({ id: c.id, listen: c.listen, status: c.status, logLevel: c.logLevel, dryRun: c.dryRun, ipvsadm: c.ipvsadm, ipvs: c.ipvs, procRoot: c.procRoot, onExit: c.onExit }).toEqual({
      id: D.id,
      listen: { ...D.listen, maxConnections: D.agents.maxConnections, maxConnectionsPerAddress: D.agents.maxConnectionsPerAddress },
      status: D.status,
      logLevel: D.logLevel,
      dryRun: D.dryRun,
      ipvsadm: D.ipvs.binary,
      ipvs: { expireQuiescentTemplate: D.ipvs.expireQuiescentTemplate, timeout: D.ipvs.timeoutMs },
      procRoot: D.procRoot,
      onExit: D.onExit,
    });
    expect([c.reportIntervalMs, c.controlIntervalMs]).toEqual([D.reportIntervalMs, D.controlIntervalMs]);
    // The window: that many time constants, at least the minimum, in whole control intervals (21 s = 30 × 700 ms here).
    const windowMs = Math.ceil(Math.max(D.smoothing.windowMinMs, D.smoothing.tauMs * D.smoothing.windowTimeConstants) / D.controlIntervalMs) * D.controlIntervalMs;
    // The noise batch: that fraction of the time constant, in whole control intervals.
    const noiseBatchMs = Math.max(1, Math.round((D.smoothing.tauMs * D.smoothing.noiseBatchTimeConstants) / D.controlIntervalMs)) * D.controlIntervalMs;
    expect(c.core.smoothing).toEqual({ tauMs: D.smoothing.tauMs, blackoutMs: D.smoothing.blackoutMs, windowMs, noiseSpanMs: D.smoothing.tauMs * D.smoothing.noiseTimeConstants, noiseBatchMs });
    expect(c.core.decisions).toEqual({ ...D.decisions, intervalMs: D.controlIntervalMs });
    expect(c.core.staleAfterMs).toBe(D.staleAfterIntervals * D.reportIntervalMs);
    expect(c.core.externalEditHoldMs).toBe(D.externalEditHoldMs);

    const svc = c.core.services[0];
    expect(svc?.ref).toEqual({ protocol: S.protocol, address: '10.0.0.1', port: 80 });
    expect(c.createServices).toEqual(new Map([[`${S.protocol}:10.0.0.1:80`, S.scheduler]]));
    expect(svc?.mode).toBe(S.mode);
    expect([svc?.referenceWeight, svc?.stalePolicy, svc?.staleHoldMs]).toEqual([S.referenceWeight, S.stalePolicy, S.staleHoldMs]);
    expect(svc?.damping).toEqual(S.damping);
    expect(svc?.capacity).toEqual(S.capacity);
    expect(svc?.fallback).toEqual(S.fallback);
    expect(svc?.realServers[0]).toMatchObject({
      minWeight: S.minWeight,
      maxWeight: S.maxWeight,
      baseWeight: D.realServer.weight,
      method: D.realServer.method,
      thresholds: { upper: D.realServer.upperThreshold, lower: D.realServer.lowerThreshold, upperFrom: 'changed_metric' },
    });
    expect(svc?.sorryServers).toEqual([{ id: '10.0.9.9:80', address: '10.0.9.9', port: 80, method: D.sorryServer.method, weight: D.sorryServer.weight }]);
  });
});
