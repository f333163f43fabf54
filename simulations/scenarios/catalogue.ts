// The scenarios from the seeds: mixed hardware, a background job, a heavy request mix, a rejoin, a flash crowd, silent
// agents and noisy samples. Rates are realistic: hundreds of connections per second per server.
import { rateFor, type ScenarioSpec } from '../model/scenario-spec.js';

const mixed = [{ cores: 1, speed: 1 }, { cores: 2, speed: 1 }, { cores: 4, speed: 1 }];
const web: ScenarioSpec['classes'] = [{ share: 1, meanWork: 0.01, cv: 1 }];
const at = (fraction: number, servers: ScenarioSpec['servers'], classes: ScenarioSpec['classes'] = web) => {
  const r = rateFor({ servers, classes }, fraction);
  return () => r;
};
const four = Array.from({ length: 4 }, () => ({ cores: 2, speed: 1 }));
const eight = [1, 1, 2, 2, 3, 3, 4, 4].map((cores) => ({ cores, speed: 1 }));
const heavyMix: ScenarioSpec['classes'] = [
  { share: 0.9, meanWork: 0.002, cv: 0.5 },
  { share: 0.1, meanWork: 0.08, cv: 1.5 },
];

export const SCENARIOS: readonly ScenarioSpec[] = [
  { name: 'a70', title: '(a) mixed hardware 1×/2×/4×, equal starting weights, 70 % load', servers: mixed, classes: web, rate: at(0.7, mixed), durationS: 300, warmupS: 120 },
  { name: 'a85', title: '(a) mixed hardware 1×/2×/4×, equal starting weights, 85 % load', servers: mixed, classes: web, rate: at(0.85, mixed), durationS: 300, warmupS: 120 },
  { name: 'a8', title: '(a) 8 servers, 4:1 capacity spread, 70 % load', servers: eight, classes: web, rate: at(0.7, eight), durationS: 300, warmupS: 120 },
  {
    name: 'b',
    title: '(b) 4 identical servers, one runs a 5-minute background job (2 threads on 2 cores)',
    servers: four,
    classes: web,
    rate: at(0.6, four),
    durationS: 480,
    warmupS: 60,
    background: { server: 0, fromS: 120, toS: 420, threads: 2 },
    window: { fromS: 120, toS: 420, label: 'during the job' },
  },
  { name: 'c', title: '(c) mixed hardware, 90 % cheap static pages + 10 % heavy PHP/SQL pages, 70 % load', servers: mixed, classes: heavyMix, rate: at(0.7, mixed, heavyMix), durationS: 300, warmupS: 120 },
  {
    name: 'd',
    title: '(d) a server rejoins (added back by a health checker) at 150 s, 4 servers, 60 % load',
    servers: four,
    classes: web,
    rate: at(0.6, four),
    durationS: 300,
    warmupS: 60,
    rejoin: { server: 3, atS: 150 },
    window: { fromS: 150, toS: 210, label: 'first minute after the rejoin' },
  },
  {
    name: 'e',
    title: '(e) flash crowd: 70 % load, 130 % from 150 s to 210 s, with a sorry server',
    servers: mixed,
    classes: web,
    rate: (t) => (t >= 150 && t < 210 ? 1.3 : 0.7) * rateFor({ servers: mixed, classes: web }, 1),
    durationS: 300,
    warmupS: 120,
    sorry: true,
    window: { fromS: 150, toS: 210, label: 'during the crowd' },
  },
  {
    name: 'f',
    title: '(f) mixed hardware, the agents of two servers fall silent from 150 s to 250 s',
    servers: mixed,
    classes: web,
    rate: at(0.7, mixed),
    durationS: 350,
    warmupS: 120,
    silent: { servers: [0, 2], fromS: 150, toS: 250 },
    window: { fromS: 150, toS: 250, label: 'agents silent' },
  },
  { name: 'g', title: '(g) mixed hardware, noisy CPU samples (σ = 25 points)', servers: mixed, classes: web, rate: at(0.7, mixed), durationS: 300, warmupS: 120, noisePct: 25 },
];
