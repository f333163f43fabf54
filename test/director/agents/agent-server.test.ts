// The agents' door under test with real WebSocket clients: who is refused, with which code, and which limits close a connection.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentServer, type AgentLimits } from '../../../director/agents/agent-server.js';
import { PROTOCOL } from '../../../shared/defaults.js';
import { createLogger, type Logger } from '../../../shared/logging.js';
import { memoryLogger } from '../../helpers/log-lines.js';
import { AgentClient, helloFrame, reportFrame } from '../../helpers/agent-client.js';
import { nextEvent } from '../../helpers/events.js';

const token = (id: string): string => `token-${id}-0123456789`;
const AGENTS = ['web1', 'web2', 'web3'];

interface Running {
  server: AgentServer;
  url: string;
  /** Every report the server passed on, as agent id and sequence number, in order. */
  reports: [string, number][];
}

const servers: AgentServer[] = [];
const clients: AgentClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(opts: { limits?: Partial<AgentLimits>; now?: () => number; log?: Logger } = {}): Promise<Running> {
  const server = new AgentServer({
    host: '127.0.0.1',
    port: 0,
    tokens: new Map(AGENTS.map((id) => [id, token(id)])),
    directorId: 'd',
    reportIntervalMs: 1000,
    log: opts.log ?? createLogger('t', 'silent'),
    now: opts.now ?? (() => performance.now()),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  servers.push(server);
  const reports: [string, number][] = [];
  server.on('report', (id, r) => reports.push([id, r.seq]));
  const port = await server.start();
  return { server, url: `ws://127.0.0.1:${port}`, reports };
}

async function connect(url: string): Promise<AgentClient> {
  const c = await AgentClient.connect(url);
  clients.push(c);
  return c;
}

/** Sends a report and resolves once the server has passed it on. */
async function reportArrives(s: Running, c: AgentClient, agentId: string, seq: number): Promise<void> {
  const passed = nextEvent(s.server, 'report', (id: string, r: { seq: number }) => id === agentId && r.seq === seq, 5_000);
  c.send(reportFrame(seq, { cpu_util_pct: 10 }));
  await passed;
}

/** An honest agent still gets in and is heard: welcomed, and its report passed on. */
async function honestAgentIsServed(s: Running, agentId: string): Promise<void> {
  const c = await connect(s.url);
  expect(await c.hello(agentId, token(agentId))).toMatchObject({ type: 'welcome' });
  await reportArrives(s, c, agentId, 1_000);
  expect(await c.stillOpen()).toBe(true);
}

describe('agent server refusals', () => {
  it('refuses an unknown agent id with AGENT_UNKNOWN and closes with 4401', async () => {
    const s = await start();
    const c = await connect(s.url);
    expect(await c.hello('web9', token('web1'))).toMatchObject({ type: 'error', code: 'AGENT_UNKNOWN' });
    expect((await c.closedWithin()).code).toBe(4401);
  });

  it('refuses a second connection for the same agent id with AGENT_DUPLICATE, keeping the first', async () => {
    const s = await start();
    const first = await connect(s.url);
    expect((await first.hello('web1', token('web1'))).type).toBe('welcome');
    const second = await connect(s.url);
    expect(await second.hello('web1', token('web1'))).toMatchObject({ type: 'error', code: 'AGENT_DUPLICATE' });
    expect((await second.closedWithin()).code).toBe(4409);
    expect(await first.stillOpen()).toBe(true);
  });

  it('replaces a silent older connection for the same id at once, without a disconnect of the agent', async () => {
    let clock = 0;
    const s = await start({ now: () => clock });
    const disconnects: string[] = [];
    s.server.on('disconnect', (id) => disconnects.push(id));
    const old = await connect(s.url);
    expect((await old.hello('web1', token('web1'))).type).toBe('welcome');
    // Nothing heard from it for two report intervals (1 s each here): a restarted agent's half-dead connection.
    clock += 2_001;
    const fresh = await connect(s.url);
    expect((await fresh.hello('web1', token('web1'))).type).toBe('welcome');
    expect(await old.closedWithin()).toEqual({ code: 4409, reason: 'replaced by a newer connection' });
    await reportArrives(s, fresh, 'web1', 0);
    expect(s.server.connectedAgents()).toEqual(['web1']);
    expect(disconnects).toEqual([]);
  });

  it('keeps an older connection it still hears from, and cuts it at the next ping round when it stops answering', async () => {
    const s = await start({ limits: { pingIntervalMs: 100 } });
    const old = await connect(s.url);
    expect((await old.hello('web1', token('web1'))).type).toBe('welcome');
    // The old connection goes half-dead: its side stops reading, so pings go unanswered.
    (old.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const fresh = await connect(s.url);
    expect(await fresh.hello('web1', token('web1'))).toMatchObject({ type: 'error', code: 'AGENT_DUPLICATE' });
    await vi.waitFor(() => expect(s.server.connectedAgents()).toEqual([]), { timeout: 5_000, interval: 20 });
    const retry = await connect(s.url);
    expect((await retry.hello('web1', token('web1'))).type).toBe('welcome');
    old.ws.terminate(); // its side never reads again: no closing handshake to wait for
  });

  it('refuses a protocol version it does not speak with PROTOCOL_VERSION', async () => {
    const s = await start();
    const c = await connect(s.url);
    c.send({ ...helloFrame('web1', token('web1')), protocol: 99 });
    expect((await c.nextReply()).code).toBe('PROTOCOL_VERSION');
  });
});

describe('agent server limits', () => {
  it('closes a connection sending more than maxMessagesPerSecond (MSG_INVALID, 4429), counting per connection and per second', async () => {
    let clock = 0;
    const s = await start({ limits: { maxMessagesPerSecond: 4 }, now: () => clock });
    const other = await connect(s.url);
    expect((await other.hello('web2', token('web2'))).type).toBe('welcome');
    const c = await connect(s.url);
    // The hello and three reports: four messages in this second, all taken (the other connection's hello is its own).
    expect((await c.hello('web1', token('web1'))).type).toBe('welcome');
    for (let seq = 0; seq < 3; seq++) await reportArrives(s, c, 'web1', seq);
    expect(await c.stillOpen()).toBe(true);
    // A new second: four more are taken, the fifth is one too many.
    clock += 1_000;
    for (let seq = 3; seq < 7; seq++) await reportArrives(s, c, 'web1', seq);
    const gone = nextEvent(s.server, 'disconnect', (id: string) => id === 'web1');
    c.send(reportFrame(7, { cpu_util_pct: 10 }));
    const reply = await c.nextReply();
    expect(reply).toMatchObject({ type: 'error', code: 'MSG_INVALID' });
    expect(reply.message).toMatch(/more than 4 messages per second/);
    expect(await c.closedWithin()).toEqual({ code: 4429, reason: 'MSG_INVALID' });
    await gone;
    expect(s.reports.filter(([id]) => id === 'web1').map(([, seq]) => seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // The other connection is untouched, and the agent that was cut gets back in.
    expect(await other.stillOpen()).toBe(true);
    await reportArrives(s, other, 'web2', 0);
    await honestAgentIsServed(s, 'web1');
  });

  it('answers each bad message, forgets them after a good one, and closes after maxConsecutiveBadMessages in a row (4400)', async () => {
    const s = await start({ limits: { maxConsecutiveBadMessages: 3 } });
    const c = await connect(s.url);
    expect((await c.hello('web1', token('web1'))).type).toBe('welcome');
    const invalid = { ...reportFrame(0, { cpu_util_pct: 10 }), intervalMs: 0 };
    c.send('{not json');
    expect(await c.nextReply()).toMatchObject({ type: 'error', code: 'MSG_MALFORMED' });
    c.send(invalid);
    expect(await c.nextReply()).toMatchObject({ type: 'error', code: 'MSG_INVALID' });
    await reportArrives(s, c, 'web1', 0);
    // Two more bad ones: with the good one between, that is two in a row, not four.
    c.send(invalid);
    expect(await c.nextReply()).toMatchObject({ type: 'error', code: 'MSG_INVALID' });
    c.send('[1]');
    expect(await c.nextReply()).toMatchObject({ type: 'error', code: 'MSG_MALFORMED' });
    expect(await c.stillOpen()).toBe(true);
    // The third in a row is answered, then the connection is closed; a report sent right behind it is not taken.
    const gone = nextEvent(s.server, 'disconnect', (id: string) => id === 'web1');
    c.send(invalid);
    c.send(reportFrame(1, { cpu_util_pct: 10 }));
    expect(await c.nextReply()).toMatchObject({ type: 'error', code: 'MSG_INVALID' });
    expect(await c.closedWithin()).toEqual({ code: 4400, reason: 'too many bad messages' });
    await gone;
    expect(s.reports).toEqual([['web1', 0]]);
    await honestAgentIsServed(s, 'web1');
  });

  it('answers a frame over the message size limit with MSG_TOO_LARGE and keeps the agent; one over maxFrameBytes closes (1009)', async () => {
    const s = await start({ limits: { maxFrameBytes: 2 * PROTOCOL.maxMessageBytes } });
    const c = await connect(s.url);
    expect((await c.hello('web1', token('web1'))).type).toBe('welcome');
    // A valid report but for the blanks after it, which make it one byte too large.
    const report = JSON.stringify(reportFrame(0, { cpu_util_pct: 10 }));
    c.send(report + ' '.repeat(PROTOCOL.maxMessageBytes + 1 - report.length));
    expect(await c.nextReply()).toMatchObject({ type: 'error', code: 'MSG_TOO_LARGE' });
    await reportArrives(s, c, 'web1', 1);
    expect(s.reports).toEqual([['web1', 1]]);
    const gone = nextEvent(s.server, 'disconnect', (id: string) => id === 'web1');
    c.send(' '.repeat(2 * PROTOCOL.maxMessageBytes + 1));
    expect((await c.closedWithin()).code).toBe(1009);
    await gone;
    await honestAgentIsServed(s, 'web1');
  });

  it('refuses connections beyond maxConnections at the upgrade (HTTP 503), counting those not yet authenticated', async () => {
    const s = await start({ limits: { maxConnections: 2 } });
    const silent = await connect(s.url);
    const a = await connect(s.url);
    expect((await a.hello('web1', token('web1'))).type).toBe('welcome');
    expect(await AgentClient.refusedStatus(s.url)).toBe(503);
    expect(await AgentClient.refusedStatus(s.url)).toBe(503);
    expect(await silent.stillOpen()).toBe(true);
    await reportArrives(s, a, 'web1', 0);
    // One leaves: there is room for exactly one again, and the refused attempts took none.
    const gone = nextEvent(s.server, 'disconnect', (id: string) => id === 'web1');
    await a.close();
    await gone;
    await honestAgentIsServed(s, 'web2');
    expect(await AgentClient.refusedStatus(s.url)).toBe(503);
  });

  it('closes a connection that says nothing within the hello timeout (HELLO_EXPECTED, 4400), not one that said hello', async () => {
    const s = await start({ limits: { helloTimeoutMs: 200 } });
    // Opened first, so its own hello timer runs out before the silent one's.
    const honest = await connect(s.url);
    expect((await honest.hello('web1', token('web1'))).type).toBe('welcome');
    const silent = await connect(s.url);
    expect(await silent.nextReply(3_000)).toMatchObject({ type: 'error', code: 'HELLO_EXPECTED' });
    expect(await silent.closedWithin()).toEqual({ code: 4400, reason: 'HELLO_EXPECTED' });
    expect(await honest.stillOpen()).toBe(true);
    await reportArrives(s, honest, 'web1', 0);
    await honestAgentIsServed(s, 'web2');
  });
});

describe('agent server log under refused traffic', () => {
  /** Opens a connection, sends `frame`, and waits for the refusal to be answered and the connection closed. */
  async function refusedWith(s: Running, frame: Record<string, unknown> | string): Promise<void> {
    const c = await connect(s.url);
    c.send(frame);
    await c.closedWithin();
  }

  it('logs a flood of unknown ids once per address and code, not once per claimed id', async () => {
    const { log, lines } = memoryLogger('info');
    // Failed hellos are not throttled here (the admission tests below are about that).
    const s = await start({ log, limits: { maxFailedHellos: 1_000 } });
    for (let i = 0; i < 60; i++) await refusedWith(s, helloFrame(`intruder-${i}`, 'x'.repeat(20)));
    expect(lines.filter((l) => l.code === 'AGENT_UNKNOWN')).toHaveLength(1);
  });

  it('logs two refusal codes from one address once each, however they alternate', async () => {
    const { log, lines } = memoryLogger('info');
    const s = await start({ log });
    for (let i = 0; i < 20; i++) await refusedWith(s, i % 2 === 0 ? reportFrame(0, { cpu_util_pct: 1 }) : { ...helloFrame('web1', token('web1')), protocol: 99 });
    expect(lines.filter((l) => /^refused message/.test(l.msg)).map((l) => l.code)).toEqual(['HELLO_EXPECTED', 'PROTOCOL_VERSION']);
  });

  it('writes at most the budget of refusal lines per interval, then says how many it held back', async () => {
    let clock = 0;
    const { log, lines } = memoryLogger('info');
    const s = await start({ log, now: () => clock, limits: { refusalLogLines: 2, refusalLogIntervalMs: 10_000, pingIntervalMs: 50 } });
    // Four codes from one address: four lines wanted, two allowed.
    await refusedWith(s, helloFrame('nobody', 'x'.repeat(20)));
    await refusedWith(s, helloFrame('web1', 'wrong-token-0000000'));
    await refusedWith(s, reportFrame(0, { cpu_util_pct: 1 }));
    await refusedWith(s, { ...helloFrame('web1', token('web1')), protocol: 99 });
    expect(lines.filter((l) => /^refused message/.test(l.msg))).toHaveLength(2);
    clock += 10_000;
    await vi.waitFor(() => expect(lines.filter((l) => /more refusal\(s\) not logged/.test(l.msg)).map((l) => l.msg)).toEqual(['2 more refusal(s) not logged (over 2 lines per 10s): HELLO_EXPECTED 1, PROTOCOL_VERSION 1']), { timeout: 5_000, interval: 20 });
  });

  it('an agent alternating bad and valid messages gets its lines from the budget: "valid again" only after a bad line it got', async () => {
    let clock = 0;
    const { log, lines } = memoryLogger('info');
    const s = await start({ log, now: () => clock, limits: { refusalLogLines: 3, maxMessagesPerSecond: 10_000 } });
    const c = await connect(s.url);
    expect((await c.hello('web1', token('web1'))).type).toBe('welcome');
    for (let i = 0; i < 40; i++) {
      c.send('{not json');
      expect(await c.nextReply()).toMatchObject({ code: 'MSG_MALFORMED' });
      await reportArrives(s, c, 'web1', i);
    }
    expect(lines.filter((l) => /^refused message from web1/.test(l.msg))).toHaveLength(3);
    expect(lines.filter((l) => /web1 sends valid reports again/.test(l.msg))).toHaveLength(3);
    // A new budget interval: its bad line is written, and the recovery after it.
    clock += 10_000;
    c.send('{not json');
    expect(await c.nextReply()).toMatchObject({ code: 'MSG_MALFORMED' });
    await reportArrives(s, c, 'web1', 40);
    expect(lines.filter((l) => /^refused message from web1/.test(l.msg))).toHaveLength(4);
    expect(lines.filter((l) => /web1 sends valid reports again/.test(l.msg))).toHaveLength(4);
  });

  it('never logs what a sender sent whole: every line stays short', async () => {
    const { log, lines } = memoryLogger('info');
    const s = await start({ log });
    await refusedWith(s, { ...helloFrame('web1', token('web1')), host: { hostname: 'h'.repeat(60_000), cores: 1 } });
    await refusedWith(s, `{"type":"hello","agentId":"${'a'.repeat(60_000)}"`);
    await refusedWith(s, { type: 'x'.repeat(60_000) });
    await refusedWith(s, { ...helloFrame('web1', token('web1')), agentId: 'b'.repeat(60_000) });
    const refusals = lines.filter((l) => /^refused message/.test(l.msg));
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    for (const l of refusals) expect(JSON.stringify(l).length).toBeLessThan(1_000);
  });

  it('reads nothing a refused connection sends after the frame that got it refused', async () => {
    const s = await start();
    let refusals = 0;
    s.server.on('refused', () => refusals++);
    const c = await connect(s.url);
    // A refused hello with fifty frames pipelined behind it, all in flight before the refusal comes back.
    c.send(helloFrame('nobody', 'x'.repeat(20)));
    for (let i = 0; i < 50; i++) c.send(reportFrame(i, { cpu_util_pct: 1 }));
    await c.closedWithin();
    expect(refusals).toBe(1);
  });
});

describe('agent server admission', () => {
  /** Connections from `address` that never say hello, all upgraded (or refused at the upgrade). */
  async function silent(url: string, address: string, n: number): Promise<{ open: AgentClient[]; refused: string[] }> {
    const open: AgentClient[] = [];
    const refused: string[] = [];
    await Promise.all(
      Array.from({ length: n }, () =>
        AgentClient.connect(url, address).then(
          (c) => {
            clients.push(c);
            open.push(c);
          },
          (err: Error) => refused.push(err.message),
        ),
      ),
    );
    return { open, refused };
  }

  it('keeps the door open for an honest agent while one address holds silent connections', async () => {
    // The total would allow 100; one address gets at most 8 without a hello.
    const s = await start({ limits: { maxConnections: 100, maxPendingHellosPerAddress: 8 } });
    const attack = await silent(s.url, '127.0.0.1', 150);
    expect(attack.open).toHaveLength(8);
    expect(attack.refused.every((m) => /429/.test(m))).toBe(true);
    const honest = await AgentClient.connect(s.url, '127.0.0.2');
    clients.push(honest);
    expect((await honest.hello('web1', token('web1'))).type).toBe('welcome');
  });

  it('holds silent connections from many addresses to a small budget in all', async () => {
    const s = await start({ limits: { maxPendingHellos: 12, maxPendingHellosPerAddress: 8 } });
    const a = await silent(s.url, '127.0.0.3', 8);
    const b = await silent(s.url, '127.0.0.4', 8);
    expect(a.open.length + b.open.length).toBe(12);
    // Once they are cut at the hello timeout, there is room again; a welcomed agent never counts against the budget.
    await Promise.all([...a.open, ...b.open].map((c) => c.closedWithin(10_000)));
    const honest = await AgentClient.connect(s.url, '127.0.0.2');
    clients.push(honest);
    expect((await honest.hello('web2', token('web2'))).type).toBe('welcome');
  }, 20_000);

  it('refuses an address for a while after too many failed hellos, and no other address', async () => {
    let clock = 0;
    const s = await start({ now: () => clock, limits: { maxFailedHellos: 3, failedHelloWindowMs: 10_000, failedHelloBlockMs: 30_000 } });
    for (let i = 0; i < 3; i++) {
      const c = await AgentClient.connect(s.url, '127.0.0.5');
      clients.push(c);
      expect(await c.hello('web1', 'wrong-token-000000000')).toMatchObject({ code: 'AUTH_FAILED' });
    }
    await expect(AgentClient.connect(s.url, '127.0.0.5')).rejects.toThrow(/429/);
    const other = await AgentClient.connect(s.url, '127.0.0.6');
    clients.push(other);
    expect((await other.hello('web1', token('web1'))).type).toBe('welcome');
    clock += 30_000;
    const later = await AgentClient.connect(s.url, '127.0.0.5');
    clients.push(later);
    expect(await later.hello('web2', token('web2'))).toMatchObject({ type: 'welcome' });
  });
});
