import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AgentServer } from '../../../director/agents/agent-server.js';
import { createLogger } from '../../../shared/logging.js';

const servers: AgentServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function server(): Promise<number> {
  const s = new AgentServer({ host: '127.0.0.1', port: 0, tokens: new Map([['web1', 'token-web1-0123456789']]), directorId: 'd', reportIntervalMs: 1000, log: createLogger('t', 'silent'), now: () => performance.now() });
  servers.push(s);
  return s.start();
}

/** Connects, says hello as `agentId`, and resolves with the first reply and the close code (if it closes). */
async function hello(port: number, agentId: string, token: string): Promise<{ reply: { type: string; code?: string }; ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  const reply = new Promise<{ type: string; code?: string }>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'hello', protocol: 1, agentId, token, agentVersion: '0', host: { hostname: 'h', cores: 1 }, ports: [] }));
  return { reply: await reply, ws, closed };
}

describe('agent server refusals', () => {
  it('refuses an unknown agent id with AGENT_UNKNOWN and closes with 4401', async () => {
    const port = await server();
    const r = await hello(port, 'web9', 'token-web1-0123456789');
    expect(r.reply).toMatchObject({ type: 'error', code: 'AGENT_UNKNOWN' });
    expect(await r.closed).toBe(4401);
  });

  it('refuses a second connection for the same agent id with AGENT_DUPLICATE, keeping the first', async () => {
    const port = await server();
    const first = await hello(port, 'web1', 'token-web1-0123456789');
    expect(first.reply.type).toBe('welcome');
    const second = await hello(port, 'web1', 'token-web1-0123456789');
    expect(second.reply).toMatchObject({ type: 'error', code: 'AGENT_DUPLICATE' });
    expect(await second.closed).toBe(4409);
    expect(first.ws.readyState).toBe(WebSocket.OPEN);
    first.ws.close();
  });

  it('refuses a protocol version it does not speak with PROTOCOL_VERSION', async () => {
    const port = await server();
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    const reply = new Promise<{ code?: string }>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', protocol: 99, agentId: 'web1', token: 'x', agentVersion: '0', host: { hostname: 'h', cores: 1 }, ports: [] }));
    expect((await reply).code).toBe('PROTOCOL_VERSION');
  });
});
