// The scenario families beside the first ones exist, each opting in to what it is about, and run short without error.
import { describe, expect, it } from 'vitest';
import { connectionRateFor, rateFor, requestsPerConnection } from '../../../simulations/model/scenario-spec.js';
import { POLICIES } from '../../../simulations/policies/catalogue.js';
import { runAll } from '../../../simulations/run.js';
import { SCENARIOS } from '../../../simulations/scenarios/catalogue.js';

const FAMILIES = ['keepalive', 'sessions', 'rtt', 'diurnal', 's16', 'degrade', 'lowrate', 'active2', 'udp'];
const spec = (name: string) => {
  const s = SCENARIOS.find((x) => x.name === name);
  return s ?? expect.unreachable(`scenario ${name} is missing from the catalogue`);
};

describe('the scenario families', () => {
  it('are in the catalogue, after the first ones, each with the feature it is about', () => {
    expect(SCENARIOS.map((s) => s.name).slice(-FAMILIES.length)).toEqual(FAMILIES);
    expect(spec('keepalive').connections).toMatchObject({ keepAliveS: 5 });
    expect(requestsPerConnection(spec('keepalive').connections)).toBeGreaterThan(1);
    expect(spec('sessions').connections).toMatchObject({ sessionS: 30 });
    expect(spec('rtt').connections).toMatchObject({ rttMs: 20 });
    expect(spec('diurnal').servers.map((x) => x.cores * x.speed)).toEqual([0.5, 1, 1, 3]);
    expect(spec('diurnal').durationS).toBe(1200);
    expect(spec('s16').servers).toHaveLength(16);
    expect(spec('degrade').degrade).toMatchObject({ factor: 0.3 });
    expect((spec('degrade').degrade?.toS ?? 0) - (spec('degrade').degrade?.fromS ?? 0)).toBe(300);
    expect(spec('active2').directors).toBe(2);
    expect(spec('udp').protocol).toBe('udp-ops');
    // They read the table as the live director does: the kernel's estimator and the Conns counter.
    for (const name of FAMILIES) expect(spec(name).kernelCounters, name).toBe('kernel');
  });

  it('load the cluster as their titles say: 30 → 90 → 30 % over the day, 70 % with keep-alive, tens of connections per second', () => {
    const day = spec('diurnal');
    const load = (tS: number) => day.rate(tS) / rateFor(day, 1);
    expect(load(0)).toBeCloseTo(0.3, 9);
    expect(load(600)).toBeCloseTo(0.9, 9);
    expect(load(1200)).toBeCloseTo(0.3, 9);
    const ka = spec('keepalive');
    expect(ka.rate(0)).toBeCloseTo(connectionRateFor(ka, 0.7), 9);
    expect(ka.rate(0) * requestsPerConnection(ka.connections)).toBeCloseTo(rateFor(ka, 0.7), 9);
    const low = spec('lowrate').rate(0);
    expect(low).toBeGreaterThanOrEqual(10);
    expect(low).toBeLessThan(100);
  });

  it('run short (a tenth of their length, one seed) under every policy without error, with responses measured', () => {
    const r = runAll({ scenarios: FAMILIES, seeds: 1, timeScale: 0.1 });
    expect(r.scenarios.map((s) => s.spec.name)).toEqual(FAMILIES);
    for (const s of r.scenarios) {
      for (const p of POLICIES) {
        if (p.skip?.(s.spec) !== undefined) continue;
        const m = s.summaries[p.key];
        expect(m?.requests ?? 0, `${s.spec.name} / ${p.key}`).toBeGreaterThan(0);
        expect(Number.isFinite(m?.p99Ms), `${s.spec.name} / ${p.key}`).toBe(true);
      }
      // The references ran on the default policy's requests.
      expect(Number.isFinite(s.references?.physicalP99Ms), s.spec.name).toBe(true);
      expect(s.references!.noWaitP99Ms, s.spec.name).toBeLessThanOrEqual(s.references!.physicalP99Ms);
    }
  }, 120_000);
});
