// Random clusters and arrivals for the references' properties: exact on a 0.25 ms grid, or arbitrary doubles.
import fc from 'fast-check';
import type { Arrival, PhysicalServer } from '../../../simulations/references/physical-queue.js';

const eighths = (min: number, max: number) => fc.integer({ min, max }).map((k) => k / 8);

/** Servers whose every event lands on the brute force's tick: speeds 0.5/1/2/4, times in eighths of a second. */
export const gridServers: fc.Arbitrary<PhysicalServer[]> = fc.array(
  fc.record(
    {
      cores: fc.integer({ min: 1, max: 3 }),
      speed: fc.constantFrom(0.5, 1, 2, 4),
      fromS: eighths(0, 16),
      background: fc.record({ fromS: eighths(0, 16), len: eighths(1, 16), threads: fc.integer({ min: 1, max: 4 }) }).map((b) => ({ fromS: b.fromS, toS: b.fromS + b.len, threads: b.threads })),
    },
    { requiredKeys: ['cores', 'speed'] },
  ),
  { minLength: 1, maxLength: 3 },
);

/** Arrivals at whole milliseconds (ties included), works of 1/8 to 3/8 s. */
export const gridArrivals: fc.Arbitrary<Arrival[]> = fc
  .array(fc.record({ t: fc.integer({ min: 0, max: 2500 }), work: eighths(1, 3) }), { minLength: 1, maxLength: 20 })
  .map((xs) => xs.sort((a, b) => a.t - b.t));

/** Any cluster: cores 1–4, speeds 0.25–4, optional rejoin and background job within the first 5 s. */
export const anyServers: fc.Arbitrary<PhysicalServer[]> = fc.array(
  fc.record(
    {
      cores: fc.integer({ min: 1, max: 4 }),
      speed: fc.double({ min: 0.25, max: 4, noNaN: true }),
      fromS: fc.double({ min: 0, max: 5, noNaN: true }),
      background: fc
        .record({ fromS: fc.double({ min: 0, max: 5, noNaN: true }), len: fc.double({ min: 0.01, max: 5, noNaN: true }), threads: fc.integer({ min: 1, max: 5 }) })
        .map((b) => ({ fromS: b.fromS, toS: b.fromS + b.len, threads: b.threads })),
    },
    { requiredKeys: ['cores', 'speed'] },
  ),
  { minLength: 1, maxLength: 5 },
);

/** Sorted arrivals over 10 s with works of 1 ms to 1 s: light to heavily overloaded. */
export const anyArrivals: fc.Arbitrary<Arrival[]> = fc
  .array(fc.record({ t: fc.double({ min: 0, max: 10_000, noNaN: true }), work: fc.double({ min: 0.001, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 200 })
  .map((xs) => xs.sort((a, b) => a.t - b.t));
