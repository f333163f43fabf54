// The scenarios from the seeds: mixed hardware, a background job, a heavy request mix, a rejoin, a flash crowd, silent
// agents and noisy samples, at hundreds of short connections per second per server; then the traffic real sites have:
// keep-alive, long sessions, a client round trip, a diurnal ramp, 16 servers, a degrading server, tens of connections
// per second, two active/active directors and UDP with one-packet scheduling.
import { connectionRateFor, rateFor, type ConnectionSpec, type ScenarioSpec } from '../model/scenario-spec.js';

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

/** A constant connection rate for a load, given how many requests each connection carries. */
const connectionsAt = (fraction: number, servers: ScenarioSpec['servers'], connections: ConnectionSpec, classes: ScenarioSpec['classes'] = web) => {
  const r = connectionRateFor({ servers, classes, connections }, fraction);
  return () => r;
};
const keepAlive: ConnectionSpec = { requestsPerConnection: 5, thinkS: 1, keepAliveS: 5 };
const sessions: ConnectionSpec = { sessionS: 30, thinkS: 2 };
const farClients: ConnectionSpec = { rttMs: 20 };
/** Application requests of 50 ms: a 20-minute day and 16 servers stay quick to run. */
const app: ScenarioSpec['classes'] = [{ share: 1, meanWork: 0.05, cv: 1 }];
/** 0.5×, 1×, 1× and 3× a one-core server. */
const unequal = [{ cores: 1, speed: 0.5 }, { cores: 1, speed: 1 }, { cores: 1, speed: 1 }, { cores: 3, speed: 1 }];
/** Pages of 20 ms. */
const pages: ScenarioSpec['classes'] = [{ share: 1, meanWork: 0.02, cv: 1 }];
/** 30 % at midnight, 90 % at noon, 30 % again at midnight: a day in 20 minutes. */
const dayS = 1200;
const diurnal = (tS: number): number => 0.6 - 0.3 * Math.cos((2 * Math.PI * tS) / dayS);
/** Sixteen servers of four kinds, interleaved in the table: 1, 2 and 4 cores, and 2 cores twice as fast. */
const sixteen = Array.from({ length: 16 }, (_, i) => [{ cores: 1, speed: 1 }, { cores: 2, speed: 1 }, { cores: 4, speed: 1 }, { cores: 2, speed: 2 }][i % 4] ?? { cores: 1, speed: 1 });
/** Reports and API calls of 200 ms: tens of connections per second over the whole cluster. */
const slowRequests: ScenarioSpec['classes'] = [{ share: 1, meanWork: 0.2, cv: 1 }];
/** Syslog over UDP (the seed's set-up): three servers, 10 ms per datagram (parsed and stored). */
const syslogServers = [{ cores: 2, speed: 1 }, { cores: 2, speed: 1 }, { cores: 2, speed: 1 }];
const datagrams: ScenarioSpec['classes'] = [{ share: 1, meanWork: 0.01, cv: 0.5 }];

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
  {
    name: 'keepalive',
    title: '(h) HTTP keep-alive: mixed hardware, 5 requests per connection 1 s apart, established 5 s after its last response, 70 % load',
    servers: mixed,
    classes: web,
    connections: keepAlive,
    kernelCounters: 'kernel',
    rate: connectionsAt(0.7, mixed, keepAlive),
    durationS: 240,
    warmupS: 90,
  },
  {
    name: 'sessions',
    title: '(i) long sessions (IMAP, WebSocket): mixed hardware, sessions of 30 s on average with a request every 2 s, 70 % load',
    servers: mixed,
    classes: web,
    connections: sessions,
    kernelCounters: 'kernel',
    rate: connectionsAt(0.7, mixed, sessions),
    durationS: 240,
    warmupS: 90,
  },
  {
    name: 'rtt',
    title: '(j) clients 20 ms away: mixed hardware, short connections in SYN_RECV for a round trip, 70 % load',
    servers: mixed,
    classes: web,
    connections: farClients,
    kernelCounters: 'kernel',
    rate: connectionsAt(0.7, mixed, farClients),
    durationS: 240,
    warmupS: 90,
  },
  {
    name: 'diurnal',
    title: '(k) a day in 20 minutes: load 30 → 90 → 30 % on 0.5×/1×/1×/3× hardware',
    servers: unequal,
    classes: app,
    kernelCounters: 'kernel',
    rate: (t) => rateFor({ servers: unequal, classes: app }, diurnal(t)),
    durationS: dayS,
    warmupS: 60,
    window: { fromS: 450, toS: 750, label: 'around noon (over 80 %)' },
  },
  { name: 's16', title: '(l) 16 mixed servers (1, 2, 4 cores; 2 cores twice as fast), 70 % load', servers: sixteen, classes: app, kernelCounters: 'kernel', rate: at(0.7, sixteen, app), durationS: 200, warmupS: 80 },
  {
    name: 'degrade',
    title: '(m) 4 identical servers, 20 ms pages, one loses 70 % of its speed over 5 minutes, 60 % load',
    servers: four,
    classes: pages,
    kernelCounters: 'kernel',
    rate: at(0.6, four, pages),
    durationS: 420,
    warmupS: 60,
    degrade: { server: 0, fromS: 60, toS: 360, factor: 0.3 },
    window: { fromS: 275, toS: 420, label: 'once it has lost half its speed or more' },
  },
  { name: 'lowrate', title: '(n) tens of connections per second: mixed hardware, 200 ms requests, 70 % load', servers: mixed, classes: slowRequests, kernelCounters: 'kernel', rate: at(0.7, mixed, slowRequests), durationS: 600, warmupS: 180 },
  { name: 'active2', title: '(o) two active/active directors, arrivals split between them: mixed hardware, 70 % load', servers: mixed, classes: web, kernelCounters: 'kernel', directors: 2, rate: at(0.7, mixed), durationS: 240, warmupS: 90 },
  {
    name: 'udp',
    title: '(p) syslog over UDP with one-packet scheduling (-o): 3 identical servers, every datagram scheduled on its own, 60 % load',
    servers: syslogServers,
    classes: datagrams,
    protocol: 'udp-ops',
    kernelCounters: 'kernel',
    rate: at(0.6, syslogServers, datagrams),
    durationS: 150,
    warmupS: 50,
  },
];
