// Times the references on a million arrivals, to show they fit in a simulation run: node dist/simulations/references/bench.js
import { performance } from 'node:perf_hooks';
import { Prng } from '../engine/prng.js';
import { percentile } from '../measure/summary.js';
import { noWaitResponses, srptPooledMeanS } from './bounds.js';
import { physicalQueue, type Arrival, type PhysicalServer } from './physical-queue.js';

const N = 1_000_000;
const LOAD = 0.7;
const MEAN_WORK = 0.01;

// Eight mixed servers, one rejoining at 60 s and one with a background job, as the scenarios have them.
const servers: PhysicalServer[] = [
  { cores: 2, speed: 0.5 },
  { cores: 4, speed: 1 },
  { cores: 4, speed: 1, fromS: 60 },
  { cores: 4, speed: 1, background: { fromS: 100, toS: 200, threads: 2 } },
  { cores: 8, speed: 1 },
  { cores: 8, speed: 1.5 },
  { cores: 4, speed: 3 },
  { cores: 16, speed: 1 },
];
const capacity = servers.reduce((a, s) => a + s.cores * s.speed, 0);
const rng = new Prng(11);
const arrivals: Arrival[] = [];
let t = 0;
for (let i = 0; i < N; i++) {
  t += rng.exp(1000 / ((LOAD * capacity) / MEAN_WORK));
  arrivals.push({ t, work: rng.lognormal(MEAN_WORK, 1) });
}

const time = <T>(f: () => T): [T, number] => {
  const start = performance.now();
  const out = f();
  return [out, performance.now() - start];
};
const [physical, physicalMs] = time(() => physicalQueue(servers, arrivals));
const [srpt, srptMs] = time(() => srptPooledMeanS(servers, arrivals));
const [noWait, noWaitMs] = time(() => noWaitResponses(servers, arrivals));
const p99 = (xs: Float64Array): number => percentile(Float64Array.from(xs).sort(), 0.99) * 1000;
const mean = (xs: Float64Array): number => (xs.reduce((a, b) => a + b, 0) / xs.length) * 1000;

console.log(`${N} arrivals over ${(t / 1000).toFixed(0)} s, ${servers.length} servers, capacity ${capacity} core-units, load ${LOAD * 100} %`);
console.log(`physicalQueue    ${physicalMs.toFixed(0).padStart(6)} ms   mean ${mean(physical).toFixed(2)} ms, p99 ${p99(physical).toFixed(2)} ms`);
console.log(`srptPooledMeanS  ${srptMs.toFixed(0).padStart(6)} ms   mean ${(srpt * 1000).toFixed(2)} ms`);
console.log(`noWaitResponses  ${noWaitMs.toFixed(0).padStart(6)} ms   mean ${mean(noWait).toFixed(2)} ms, p99 ${p99(noWait).toFixed(2)} ms`);
