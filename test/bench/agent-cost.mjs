// Benchmark: what a real agent costs a real server (RSS and CPU) over 60 s at 1 s sampling with three plugins at their default interval.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { AgentServer } from '../../dist/director/agents/agent-server.js';
import { createLogger } from '../../dist/shared/logging.js';
import { AGENT_DEFAULTS, AGENT_NODE_FLAGS } from '../../dist/agent/defaults.js';
import { CLI_PATH } from '../../dist/shared/version.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP_SECONDS = 5;
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)

// A director that receives the reports, so the cost of sending them is included.
let reports = 0;
const director = new AgentServer({
  host: '127.0.0.1',
  port: 0,
  tokens: new Map([['bench', 'bench-token']]),
  directorId: 'bench',
  reportIntervalMs: 2000,
  log: createLogger('director', 'silent'),
  now: () => performance.now(),
});
director.on('report', () => reports++);
const port = await director.start();

// What the three plugins read: an nginx stub_status page and a postfix spool.
const status = createServer((_req, res) => {
  res.end('Active connections: 291 \nserver accepts handled requests\n 16630948 16630948 31070465 \nReading: 6 Writing: 179 Waiting: 106 \n');
});
await new Promise((r) => status.listen(0, '127.0.0.1', r));
const dir = mkdtempSync(join(tmpdir(), 'lvsf-bench-'));
for (const q of ['incoming', 'active', 'deferred/A', 'hold', 'maildrop']) mkdirSync(join(dir, 'spool', q), { recursive: true });
for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'spool', 'deferred/A', `M${i}`), '');

const NO_PLUGINS = process.env.LVSF_BENCH_PLUGINS === 'none';
const config = join(dir, 'agent.yaml');
writeFileSync(
  config,
  JSON.stringify({
    id: 'bench',
    directors: [{ url: `ws://127.0.0.1:${port}`, token: 'bench-token' }],
    sampleInterval: '1s',
    ports: [22, 80],
    plugins: [
      // LVSF_BENCH_PLUGINS=none measures the built-in collectors alone.
      ...(NO_PLUGINS ? [] : [
      { name: 'mailq', module: join(ROOT, 'plugins/examples/postfix-mailq.mjs'), options: { spool: join(dir, 'spool') } },
      { name: 'nginx', module: join(ROOT, 'plugins/examples/http-status-connections.mjs'), options: { url: `http://127.0.0.1:${status.address().port}/` } },
      { name: 'sockets', exec: [join(ROOT, 'plugins/examples/sockets-and-files.sh')] },
      ]),
    ],
    logLevel: 'warn',
  }),
);

const NODE_FLAGS = process.env.LVSF_NODE_FLAGS !== undefined ? process.env.LVSF_NODE_FLAGS.split(' ').filter(Boolean) : [...AGENT_NODE_FLAGS];
const agent = spawn(process.execPath, [...NODE_FLAGS, CLI_PATH, 'agent', '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });

/** utime+stime of the agent itself (and its user and system parts), and of the plugin processes it waited for, in seconds. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]) / TICK);
  return { self: utime + stime, user: utime, system: stime, children: cutime + cstime };
}
/** TCP sockets on this host (in use + TIME_WAIT, from /proc/net/sockstat): what reading /proc/net/tcp costs grows with them. */
function tcpSockets() {
  const m = /^TCP: inuse (\d+) orphan \d+ tw (\d+)/m.exec(readFileSync('/proc/net/sockstat', 'utf8'));
  return m ? Number(m[1]) + Number(m[2]) : NaN;
}
const rssMB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

await sleep(WARMUP_SECONDS * 1000);
const start = { t: performance.now(), cpu: cpuSeconds(agent.pid), reports };
const rss = [];
const sockets = [];
for (let s = 0; s < SECONDS; s++) {
  await sleep(1000);
  rss.push(rssMB(agent.pid));
  sockets.push(tcpSockets());
}
const end = { t: performance.now(), cpu: cpuSeconds(agent.pid), reports };
agent.kill('SIGTERM');
await new Promise((r) => agent.once('exit', r));
await director.stop();
status.close();

const wall = (end.t - start.t) / 1000;
const pct = (x) => ((100 * x) / wall).toFixed(2);
const selfCpu = end.cpu.self - start.cpu.self;
const childCpu = end.cpu.children - start.cpu.children;
const pluginSet = NO_PLUGINS ? 'no plugins' : `3 plugins at their default interval (${AGENT_DEFAULTS.plugin.intervalMs / 1000} s)`;
console.log(`agent cost over ${wall.toFixed(1)} s (after ${WARMUP_SECONDS} s warm-up), 1 s sampling, ${pluginSet}, ${end.reports - start.reports} reports delivered, node flags: ${NODE_FLAGS.join(' ') || '(none)'}`);
console.log(`  host TCP sockets (in use + TIME_WAIT) ${Math.min(...sockets)}–${Math.max(...sockets)}, mean ${Math.round(sockets.reduce((a, b) => a + b, 0) / sockets.length)}`);
console.log(`  RSS        max ${Math.max(...rss).toFixed(1)} MB, mean ${(rss.reduce((a, b) => a + b, 0) / rss.length).toFixed(1)} MB   (target ≤ 60 MB)`);
console.log(`  CPU agent  ${pct(selfCpu)} % of one core (user ${pct(end.cpu.user - start.cpu.user)} %, system ${pct(end.cpu.system - start.cpu.system)} %)   (target ≤ 1 %)`);
console.log(`  CPU plugin processes (the shell script and its awk) ${pct(childCpu)} % of one core; together ${pct(selfCpu + childCpu)} %`);
