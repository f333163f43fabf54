// The scenarios name only servers they have, so every scripted event (job, silence, rejoin) reaches a server.
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../../simulations/scenarios/catalogue.js';

describe('the scenario catalogue', () => {
  it('has unique names, and every server a scenario names is one of its servers', () => {
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
    for (const s of SCENARIOS) {
      const named = [s.background?.server, s.rejoin?.server, s.degrade?.server, ...(s.silent?.servers ?? [])].filter((i) => i !== undefined);
      for (const i of named) expect(Number.isInteger(i) && i >= 0 && i < s.servers.length, `${s.name}: server ${i}`).toBe(true);
    }
  });

  it('has request classes with positive shares and work, and a measured window inside the run', () => {
    for (const s of SCENARIOS) {
      expect(s.classes.every((c) => c.share > 0 && c.meanWork > 0), s.name).toBe(true);
      expect(s.warmupS, s.name).toBeLessThan(s.durationS);
      if (s.window) expect(s.window.fromS >= 0 && s.window.fromS < s.window.toS && s.window.toS <= s.durationS, s.name).toBe(true);
    }
  });

  it('has connection life cycles a client can live: sessions with think times, at least one request per connection, one director or more', () => {
    for (const s of SCENARIOS) {
      const c = s.connections;
      if (c?.sessionS !== undefined) expect(c.sessionS > 0 && (c.thinkS ?? 0) > 0 && c.requestsPerConnection === undefined, s.name).toBe(true);
      if (c?.requestsPerConnection !== undefined) expect(c.requestsPerConnection, s.name).toBeGreaterThanOrEqual(1);
      for (const v of [c?.rttMs, c?.thinkS, c?.keepAliveS]) if (v !== undefined) expect(v, s.name).toBeGreaterThanOrEqual(0);
      if (s.directors !== undefined) expect(Number.isInteger(s.directors) && s.directors >= 1, s.name).toBe(true);
      if (s.degrade) expect(s.degrade.factor > 0 && s.degrade.factor < 1 && s.degrade.fromS < s.degrade.toS, s.name).toBe(true);
      if (s.protocol === 'udp-ops') expect(c, `${s.name}: UDP has no connections`).toBeUndefined();
    }
  });
});
