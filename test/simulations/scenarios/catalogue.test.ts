// The scenarios name only servers they have, so every scripted event (job, silence, rejoin) reaches a server.
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../../simulations/scenarios/catalogue.js';

describe('the scenario catalogue', () => {
  it('has unique names, and every server a scenario names is one of its servers', () => {
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
    for (const s of SCENARIOS) {
      const named = [s.background?.server, s.rejoin?.server, ...(s.silent?.servers ?? [])].filter((i) => i !== undefined);
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
});
