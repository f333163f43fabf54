// Benchmark without sockets: the director's decoding and decisions for a fleet too large to connect on one machine.
// AGENTS=50000 SIM_SECONDS=120: reports every 2 s, as JSON frames, through the agent port's decoder into the live
// controller (dry-run table, real logger on stderr) on a simulated clock; prints CPU per second of fleet time and RSS.
import { directorConfigFromData } from '../../dist/director/config/load.js';
import { Controller } from '../../dist/director/controller.js';
import { DryRunDriver } from '../../dist/director/kernel/ipvs/dry-run-driver.js';
import { configuredTable, KernelTable } from '../../dist/director/kernel/kernel-table.js';
import { decodeAgentMessage } from '../../dist/shared/protocol/codec.js';
import { createLogger } from '../../dist/shared/logging.js';
import { fleetConfig, reportOf } from './fleet.mjs';

const N = Number(process.env.AGENTS ?? 50_000);
const SECONDS = Number(process.env.SIM_SECONDS ?? 120);
const WARMUP_SECONDS = 30;
const INTERVAL_MS = 2_000;

const config = directorConfigFromData(fleetConfig(N, 0, 0, INTERVAL_MS), 'bench', '/');
const log = createLogger('director', process.env.LOG_LEVEL ?? 'info');
const table = new KernelTable(config, new DryRunDriver(configuredTable(config), log));
let clock = Math.ceil(Date.now() / 10_000) * 10_000;
const controller = new Controller(config, table, log, () => clock);
const agents = Array.from({ length: N }, (_, i) => ({ i, id: `a${i}`, load: ((i * 7919) % 1000) / 1000, seq: 0 }));
for (const a of agents) controller.onHello(a.id, { hostname: a.id, cores: 8 });

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
let cpuAt;
let rss = [];
const decode = { n: 0, s: 0 };
for (let s = 0; s < WARMUP_SECONDS + SECONDS; s++) {
  if (s === WARMUP_SECONDS) {
    cpuAt = cpu();
    rss = [];
  }
  clock += 1_000;
  if (clock % INTERVAL_MS === 0) {
    // The frames of one report instant, as they arrive: text, decoded and handed to the controller one by one.
    const t0 = performance.now();
    for (const a of agents) {
      const msg = decodeAgentMessage(JSON.stringify(reportOf(a, clock, INTERVAL_MS)));
      controller.onReport(a.id, msg, clock + 5);
    }
    if (s >= WARMUP_SECONDS) {
      decode.n += agents.length;
      decode.s += (performance.now() - t0) / 1000;
    }
  }
  // The decision for the grid instant runs at its settle time.
  const settle = config.core.decisions.settleMs;
  clock += settle;
  await controller.tick();
  clock -= settle;
  rss.push(process.memoryUsage().rss / 2 ** 20);
}
const used = cpu() - cpuAt;
const perf = controller.perf.status().current;
const third = Math.max(1, Math.floor(rss.length / 3));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
process.stdout.write(
  `${JSON.stringify({
    agents: N,
    fleetSeconds: SECONDS,
    cpuPctOfOneCore: (100 * used) / SECONDS,
    decodeAndQueueUsPerReport: (1e6 * decode.s) / decode.n,
    decisionMsP50: perf.decisionMsP50,
    decisionMsP99: perf.decisionMsP99,
    decisionMsMax: perf.decisionMsMax,
    rssFirstMB: mean(rss.slice(0, third)),
    rssLastMB: mean(rss.slice(-third)),
  })}\n`,
);
await controller.stop();
