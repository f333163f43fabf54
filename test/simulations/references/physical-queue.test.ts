// The physical reference: one FCFS queue over every core, fastest free core first, rejoins and background jobs honoured.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { physicalQueue, physicalSchedule, type PhysicalServer } from '../../../simulations/references/physical-queue.js';
import { anyArrivals, anyServers, gridArrivals, gridServers } from './arbitraries.js';
import { bruteForceQueue } from './brute-force-queue.js';

const speedOf = (servers: readonly PhysicalServer[], k: number): number => servers[k]?.speed ?? NaN;

describe('physicalQueue', () => {
  it('gives each arrival the fastest free core (ties: lowest server), and the head of the queue the first core to free', () => {
    const servers = [
      { cores: 1, speed: 1 },
      { cores: 1, speed: 2 },
      { cores: 1, speed: 2 },
    ];
    const arrivals = [
      { t: 0, work: 1 },
      { t: 0, work: 1 },
      { t: 0, work: 1 },
      { t: 100, work: 1 },
      { t: 200, work: 0.5 },
    ];
    const s = physicalSchedule(servers, arrivals);
    expect([...s.server]).toEqual([1, 2, 0, 1, 2]);
    // The 4th waits until 500 ms, when both fast cores free at once: the first of them. The 5th takes the other.
    expect([...s.startMs]).toEqual([0, 0, 0, 500, 500]);
    expect([...physicalQueue(servers, arrivals)]).toEqual([0.5, 0.5, 1, 0.9, 0.55]);
  });

  it('serves one request per core at a time (no processor sharing): a second request on one core waits', () => {
    const r = physicalQueue([{ cores: 1, speed: 1 }], [
      { t: 0, work: 2 },
      { t: 1000, work: 1 },
    ]);
    expect([...r]).toEqual([2, 2]);
  });

  it('matches a brute-force tick-by-tick queue on small random clusters with rejoins and background jobs', () => {
    fc.assert(
      fc.property(gridServers, gridArrivals, (servers, arrivals) => {
        const s = physicalSchedule(servers, arrivals);
        const b = bruteForceQueue(servers, arrivals);
        expect([...s.server]).toEqual(b.server);
        expect([...s.startMs]).toEqual(b.startMs);
        arrivals.forEach((a, i) => {
          expect(s.responses[i]).toBe(((b.startMs[i] ?? NaN) - a.t) / 1000 + a.work / speedOf(servers, b.server[i] ?? -1));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is first come, first served: starts never go backwards in arrival order, and nobody starts before arriving', () => {
    fc.assert(
      fc.property(anyServers, anyArrivals, (servers, arrivals) => {
        const s = physicalSchedule(servers, arrivals);
        arrivals.forEach((a, i) => {
          const start = s.startMs[i] ?? NaN;
          expect(start).toBeGreaterThanOrEqual(a.t);
          if (i > 0) expect(start).toBeGreaterThanOrEqual(s.startMs[i - 1] ?? NaN);
          expect(s.responses[i]).toBeCloseTo((start - a.t) / 1000 + a.work / speedOf(servers, s.server[i] ?? -1), 9);
        });
      }),
    );
  });

  it('on an idle cluster, serves every request at once on the fastest server (the lowest index among equals)', () => {
    fc.assert(
      fc.property(anyServers, fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }), (raw, works) => {
        const servers = raw.map((s) => ({ cores: s.cores, speed: s.speed }));
        // 10 s apart: every request is done before the next arrives.
        const arrivals = works.map((work, i) => ({ t: i * 10_000, work }));
        const fastest = Math.max(...servers.map((s) => s.speed));
        const first = servers.findIndex((s) => s.speed === fastest);
        const s = physicalSchedule(servers, arrivals);
        arrivals.forEach((a, i) => {
          expect(s.server[i]).toBe(first);
          expect(s.responses[i]).toBeCloseTo(a.work / fastest, 12);
        });
      }),
    );
  });

  it('gives a server out until fromS nothing before then, and its cores at once from then on', () => {
    const servers = [
      { cores: 1, speed: 4, fromS: 2 },
      { cores: 1, speed: 1 },
    ];
    const arrivals = [
      { t: 1000, work: 1 }, // slow server, done at 2000
      { t: 1500, work: 1 }, // waits; at 2000 the slow core frees and the fast server joins: the fast one
      { t: 2500, work: 1 }, // fast server, free again at 2250
    ];
    const s = physicalSchedule(servers, arrivals);
    expect([...s.server]).toEqual([1, 0, 0]);
    expect([...s.responses]).toEqual([1, 0.75, 0.25]);
    fc.assert(
      fc.property(anyServers, anyArrivals, (servers, arrivals) => {
        const s = physicalSchedule(servers, arrivals);
        arrivals.forEach((_, i) => {
          const from = servers[s.server[i] ?? -1]?.fromS;
          if (from !== undefined) expect(s.startMs[i]).toBeGreaterThanOrEqual(from * 1000);
        });
      }),
    );
  });

  it('lets a background job take its cores: requests already running finish, nothing else starts on them until toS', () => {
    const servers = [{ cores: 2, speed: 1, background: { fromS: 1, toS: 2, threads: 2 } }];
    const arrivals = [
      { t: 900, work: 0.5 }, // runs 900–1400 (not preempted)
      { t: 950, work: 0.01 }, // runs 950–960
      { t: 1200, work: 0.1 }, // both cores held from 1000 and 1400: waits until 2000
      { t: 2100, work: 0.1 },
    ];
    expect([...physicalQueue(servers, arrivals)].map((r) => Number(r.toFixed(12)))).toEqual([0.5, 0.01, 0.9, 0.1]);
    // Fewer threads than cores: the others keep serving. Three threads on two cores: all of them.
    expect([...physicalQueue([{ cores: 2, speed: 1, background: { fromS: 1, toS: 2, threads: 1 } }], [{ t: 1200, work: 0.1 }])]).toEqual([0.1]);
    expect([...physicalQueue([{ cores: 2, speed: 1, background: { fromS: 1, toS: 2, threads: 3 } }], [{ t: 1200, work: 0.1 }])]).toEqual([0.9]);
  });

  it('never has more than cores − threads of a background server busy with requests that start inside the window', () => {
    fc.assert(
      fc.property(anyServers, anyArrivals, (servers, arrivals) => {
        const s = physicalSchedule(servers, arrivals);
        const finish = arrivals.map((a, i) => (s.startMs[i] ?? NaN) + (a.work * 1000) / speedOf(servers, s.server[i] ?? -1));
        arrivals.forEach((_, i) => {
          const k = s.server[i] ?? -1;
          const srv = servers[k];
          const b = srv?.background;
          const start = s.startMs[i] ?? NaN;
          if (!srv || !b || start < b.fromS * 1000 || start >= b.toS * 1000) return;
          // Everything in service on that server at this start, this request included, fits in the cores left.
          const inService = arrivals.filter((_, j) => s.server[j] === k && (s.startMs[j] ?? NaN) <= start && (finish[j] ?? NaN) > start).length;
          expect(inService).toBeLessThanOrEqual(srv.cores - Math.min(b.threads, srv.cores));
        });
      }),
    );
  });

  it('takes arrivals out of time order as if sorted by time (FCFS by arrival time)', () => {
    fc.assert(
      fc.property(anyServers, anyArrivals, (servers, raw) => {
        const arrivals = raw.filter((a, i) => i === 0 || a.t !== raw[i - 1]?.t);
        const reversed = [...arrivals].reverse();
        const sorted = physicalQueue(servers, arrivals);
        const got = physicalQueue(servers, reversed);
        expect([...got].reverse()).toEqual([...sorted]);
      }),
    );
  });

  it('never serves anybody when there is no core (Infinity), and handles no arrivals', () => {
    expect([...physicalQueue([], [{ t: 0, work: 1 }])]).toEqual([Infinity]);
    expect([...physicalQueue([{ cores: 1, speed: 1, fromS: Infinity }], [{ t: 0, work: 1 }])]).toEqual([Infinity]);
    expect(physicalQueue([{ cores: 1, speed: 1 }], []).length).toBe(0);
  });
});
