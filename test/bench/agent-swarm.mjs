// Bench load: thousands of agents' real WebSocket connections from one process, each sending a full report on the grid.
// Run by director-load.mjs; one line of JSON counters on stdout per second.
import WebSocket from 'ws';
import { noise, reportOf, tokenOf } from './fleet.mjs';

const opts = JSON.parse(process.argv[2]);
const { url, first, count, intervalMs, addresses } = opts;
/** At most this many connections opening at once (a fleet of agents starting together, spread by their backoff). */
const OPENING = 200;
const PING_MS = 10_000;

const counters = { connected: 0, welcomed: 0, refused: 0, closed: 0, reports: 0, errors: 0 };
const agents = [];

/** Loopback source addresses, so the director's per-address limit sees a fleet, not one host; neighbours differ. */
function addressOf(i) {
  const k = (i % addresses) + 1;
  return `127.${10 + ((k >> 16) & 255)}.${(k >> 8) & 255}.${k & 255}`;
}

let opening = 0;
const queue = [];

function connect(a) {
  opening++;
  a.state = 'opening';
  const ws = new WebSocket(url, { localAddress: a.address, handshakeTimeout: 10_000 });
  a.ws = ws;
  let settled = false;
  const done = () => {
    if (!settled) {
      settled = true;
      opening--;
      pump();
    }
  };
  ws.on('open', () => {
    counters.connected++;
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, agentId: a.id, token: tokenOf(a.i), agentVersion: '0.1.0-bench', host: { hostname: a.id, cores: 8, cpuModel: 'bench', memTotalBytes: 2e10 }, ports: [80] }));
  });
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.type === 'welcome') {
      counters.welcomed++;
      a.state = 'ready';
      a.seq = 0;
      done();
    } else if (msg.type === 'error') counters.errors++;
  });
  ws.on('unexpected-response', (_req, res) => {
    counters.refused++;
    res.resume();
    ws.terminate(); // 'close' follows, and the agent backs off
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    if (a.state === 'ready') counters.closed++;
    a.state = 'down';
    done();
    // Back off like an agent: 1–2 s, then try again.
    setTimeout(() => later(a), 1_000 + 1_000 * noise(a.i, Date.now()));
  });
}

function later(a) {
  if (stopping) return;
  queue.push(a);
  pump();
}

function pump() {
  while (opening < OPENING && queue.length > 0) connect(queue.shift());
}

for (let k = 0; k < count; k++) {
  const i = first + k;
  const a = { i, id: `a${i}`, address: addressOf(i), load: noise(i, 0), seq: 0, state: 'down', ws: undefined };
  agents.push(a);
  queue.push(a);
}
pump();

// Every agent reports at each multiple of the interval on the wall clock, as real agents do (agent/director-link.ts).
function scheduleReports() {
  const now = Date.now();
  const ts = (Math.floor(now / intervalMs) + 1) * intervalMs;
  setTimeout(() => {
    for (const a of agents) {
      if (a.state !== 'ready' || a.ws.readyState !== WebSocket.OPEN) continue;
      a.ws.send(JSON.stringify(reportOf(a, ts, intervalMs)));
      counters.reports++;
    }
    scheduleReports();
  }, ts - now);
}
scheduleReports();

// Each agent pings its director every 10 s, spread over the period.
let pingCursor = 0;
setInterval(() => {
  const per = Math.ceil(agents.length / (PING_MS / 100));
  for (let n = 0; n < per; n++) {
    const a = agents[pingCursor++ % agents.length];
    if (a?.state === 'ready' && a.ws.readyState === WebSocket.OPEN) a.ws.ping();
  }
}, 100);

let stopping = false;
setInterval(() => process.stdout.write(`${JSON.stringify({ ...counters, ready: agents.filter((a) => a.state === 'ready').length })}\n`), 1_000);
process.on('SIGTERM', () => {
  stopping = true;
  for (const a of agents) a.ws?.terminate();
  process.exit(0);
});
