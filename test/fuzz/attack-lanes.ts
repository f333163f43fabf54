// The attacker's lanes: each keeps opening hostile connections (silent, hostile first frames, rogue agents) until the budget is spent.
import { setTimeout as delay } from 'node:timers/promises';
import { DIRECTOR_DEFAULTS } from '../../director/defaults.js';
import { AgentClient, helloFrame } from '../helpers/agent-client.js';
import type { Random } from '../helpers/seeded-random.js';
import { badReport, edgeReport, plainReport, unauthenticatedFrame, UNAUTHENTICATED_KINDS, type Frame, type Ids } from './hostile-frames.js';
import { bump, type FrameBudget, type Tally } from './tally.js';

export interface Rogue {
  readonly id: string;
  readonly token: string;
  readonly address: string;
}

export interface Attack {
  readonly url: string;
  readonly ids: Ids;
  /** Ids of the honest agents, and the address they connect from (attackers behind the same NAT use it too). */
  readonly honestIds: readonly string[];
  readonly honestAddress: string;
  readonly budget: FrameBudget;
  readonly tally: Tally;
  readonly addresses: Set<string>;
}

/** A source address in 127.0.0.0/8 outside 127.0.0.0/16 (kept for honest agents): tens of thousands of them. */
function attackerAddress(r: Random): string {
  return `127.${r.int(1, 254)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

function send(a: Attack, c: AgentClient, f: Frame): void {
  a.budget.take(f.kind);
  c.ws.send(f.data, { binary: f.binary });
}

/** Opens a connection; undefined when the director refused the upgrade (its status counted). */
async function open(a: Attack, address: string): Promise<AgentClient | undefined> {
  a.addresses.add(address);
  try {
    return await AgentClient.connect(a.url, address);
  } catch (err) {
    // Nothing listens any more: the director is gone, and the attack is over.
    if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') throw new Error(`the director refuses TCP connections (${(err as Error).message}): is it still running?`);
    const status = /Unexpected server response: (\d+)/.exec((err as Error).message)?.[1];
    bump(a.tally.refusedUpgrades, status ?? (err as Error).message.slice(0, 60));
    return undefined;
  }
}

/** Counts what the director sent before it closed the connection, and how it closed it. */
async function settle(a: Attack, c: AgentClient): Promise<void> {
  const { code } = await c.closedWithin(15_000);
  bump(a.tally.closes, code);
  drain(a, c);
}

function drain(a: Attack, c: AgentClient): void {
  for (;;) {
    const reply = c.takeReply();
    if (reply === undefined) return;
    bump(a.tally.replies, reply.code ?? reply.type);
  }
}

/** Connections that never say hello: the director must cut each at its hello timeout. */
export async function silentLane(a: Attack, r: Random): Promise<void> {
  while (!a.budget.spent) {
    const c = await open(a, attackerAddress(r));
    if (c === undefined) continue;
    a.tally.sessions.silent += 1;
    await settle(a, c);
  }
}

/**
 * Connections whose first frame is hostile, some with more frames pipelined behind it, in streaks from one address
 * (alternating between two refusal codes, or repeating one until the address is refused for its failed hellos).
 */
export async function unauthenticatedLane(a: Attack, r: Random): Promise<void> {
  while (!a.budget.spent) {
    // A streak: one address, one or two kinds. The honest agents' address is shared now and then (a NAT).
    const sharesNat = r.chance(0.05);
    const address = sharesNat ? a.honestAddress : attackerAddress(r);
    const kinds = sharesNat ? ['duplicate-honest'] : r.chance(0.4) ? [r.pick(UNAUTHENTICATED_KINDS), r.pick(UNAUTHENTICATED_KINDS)] : [r.pick(UNAUTHENTICATED_KINDS)];
    const length = r.int(1, 14);
    for (let i = 0; i < length && !a.budget.spent; i++) {
      const c = await open(a, address);
      if (c === undefined) break;
      a.tally.sessions.unauthenticated += 1;
      const kind = kinds[i % kinds.length]!;
      send(a, c, kind === 'duplicate-honest' ? { kind, data: JSON.stringify(helloFrame(r.pick(a.honestIds), r.pick(['', 'stolen?', 'wrong-token-0123456789']))), binary: false } : unauthenticatedFrame(r, a.ids, kind));
      const pipelined = r.chance(0.3) ? r.int(1, 4) : 0;
      for (let k = 0; k < pipelined && c.ws.readyState === c.ws.OPEN; k++) send(a, c, { ...badReport(r, k), kind: 'pipelined-after-refusal' });
      await settle(a, c);
    }
  }
}

/** Frames per burst and the pause between bursts: two bursts within a second are at most the rate limit. */
const BURST = DIRECTOR_DEFAULTS.agents.maxMessagesPerSecond / 2;
const BURST_GAP_MS = 550;

/**
 * A rogue agent with a valid token: floods of bad reports, edge claims, repeated hellos, kept just under the bad-in-a-row
 * and rate limits most of the time, and now and then a flood over the rate limit (cut, then it comes back).
 */
export async function rogueLane(a: Attack, r: Random, rogue: Rogue): Promise<void> {
  let seq = 0;
  while (!a.budget.spent) {
    const c = await open(a, rogue.address);
    if (c === undefined) {
      await delay(100);
      continue;
    }
    a.tally.sessions.rogue += 1;
    send(a, c, { kind: 'rogue-hello', data: JSON.stringify(helloFrame(rogue.id, rogue.token)), binary: false });
    const welcome = await c.nextReply().catch(() => undefined);
    if (welcome?.type !== 'welcome') {
      // Its previous connection is not closed on the director's side yet (AGENT_DUPLICATE): wait, then again.
      if (welcome) bump(a.tally.replies, welcome.code ?? welcome.type);
      await settle(a, c);
      continue;
    }
    await rogueSession(a, r, c, () => seq++);
  }
}

async function rogueSession(a: Attack, r: Random, c: AgentClient, nextSeq: () => number): Promise<void> {
  let badRun = 0;
  while (!a.budget.spent) {
    if (r.chance(0.04)) {
      // Over the rate limit at once: the director cuts the connection and reads nothing more from it.
      const n = r.int(DIRECTOR_DEFAULTS.agents.maxMessagesPerSecond + 5, 3 * DIRECTOR_DEFAULTS.agents.maxMessagesPerSecond);
      for (let i = 0; i < n && c.ws.readyState === c.ws.OPEN; i++) send(a, c, { kind: 'flood', data: JSON.stringify(plainReport(r, nextSeq())), binary: false });
      await settle(a, c);
      return;
    }
    const n = r.int(BURST / 2, BURST);
    for (let i = 0; i < n; i++) {
      // Never ten bad ones in a row (the limit that cuts a connection) unless the draw says so, now and then.
      const frame = badRun >= DIRECTOR_DEFAULTS.agents.maxConsecutiveBadMessages - 2 && r.chance(0.95) ? { kind: 'rogue-valid', data: JSON.stringify(plainReport(r, nextSeq())), binary: false } : rogueFrame(r, nextSeq());
      badRun = frame.kind === 'rogue-valid' ? 0 : badRun + 1;
      send(a, c, frame);
    }
    if (!(await c.stillOpen(15_000))) {
      await settle(a, c);
      return;
    }
    drain(a, c);
    await delay(BURST_GAP_MS);
  }
  await c.close();
  drain(a, c);
}

function rogueFrame(r: Random, seq: number): Frame {
  const p = r.next();
  if (p < 0.6) return badReport(r, seq);
  if (p < 0.85) return { kind: 'rogue-edge-report', data: JSON.stringify(edgeReport(r, seq)), binary: false };
  if (p < 0.95) return { kind: 'rogue-valid', data: JSON.stringify(plainReport(r, seq)), binary: false };
  return { kind: 'rogue-hello-again', data: JSON.stringify(helloFrame('x', 'y')), binary: false };
}
