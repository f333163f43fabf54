// Honest agents played by a script: the same reports, timed by the same `ts`, to the attacked director and to its twin.
import { setTimeout as delay } from 'node:timers/promises';
import { AgentClient, reportFrame } from '../helpers/agent-client.js';
import { seededRandom, type Random } from '../helpers/seeded-random.js';
import { HONEST, HONEST_ADDRESS, tokenOf } from './fuzz-cluster.js';

export const REPORT_INTERVAL_MS = 500;
/** Where in its interval each agent's report is timed: agents are not in step, and none sits on a grid instant. */
const phaseOf = (agent: number): number => 100 + 40 * agent;
/**
 * Each round goes out this long before its `ts` (still timed by it: well within decisions.maxClockSkewMs). A report is
 * due by its instant's decision, at most 900 ms after its ts here; the attacked director, its event loop saturated,
 * runs its decisions up to about 550 ms late, and reads its sockets as late: sent ahead, a report is in with a second
 * to spare, so any difference from the twin is the attack's doing, not the scheduler's.
 */
const SEND_AHEAD_MS = 500;
/** Loads change every this many reports. */
const REPORTS_PER_LOAD = 6;
const LOADS = [5, 15, 30, 45, 60, 75, 90];

export interface HonestRun {
  /** The `ts` of the last report sent. */
  readonly lastTs: number;
  readonly reports: number;
  /** The most a round was sent after it was due: under load the sender itself may lag (reports are due by ts + settle). */
  readonly maxLateMs: number;
}

export class HonestAgents {
  private stopping = false;
  private readonly loads: Random[];

  private constructor(
    /** Per director, per agent: one connection each. */
    readonly clients: readonly (readonly AgentClient[])[],
    seed: number,
  ) {
    this.loads = HONEST.map((_, i) => seededRandom(seed + i));
  }

  /** Every honest agent connects to every director and is welcomed. */
  static async connect(urls: readonly string[], seed: number): Promise<HonestAgents> {
    const clients = await Promise.all(
      urls.map((url) =>
        Promise.all(
          HONEST.map(async (id) => {
            const c = await AgentClient.connect(url, HONEST_ADDRESS);
            const welcome = await c.hello(id, tokenOf(id));
            if (welcome.type !== 'welcome') throw new Error(`${id} not welcomed by ${url}: ${JSON.stringify(welcome)}`);
            return c;
          }),
        ),
      ),
    );
    return new HonestAgents(clients, seed);
  }

  /** Sends round k of reports (every agent, its ts t0 + k × interval + its phase) to every director, until stop(). */
  async run(t0: number): Promise<HonestRun> {
    let load: number[] = [];
    let maxLateMs = 0;
    let k = 0;
    let lastTs = t0;
    for (; !this.stopping; k++) {
      const due = t0 + k * REPORT_INTERVAL_MS + phaseOf(0) - SEND_AHEAD_MS;
      const wait = due - Date.now();
      if (wait > 0) await delay(wait);
      maxLateMs = Math.max(maxLateMs, Date.now() - due);
      if (k % REPORTS_PER_LOAD === 0) load = this.loads.map((r) => r.pick(LOADS));
      HONEST.forEach((_, i) => {
        lastTs = t0 + k * REPORT_INTERVAL_MS + phaseOf(i);
        const util = load[i]!;
        const frame = JSON.stringify({ ...reportFrame(k, { cpu_util_pct: util, cpu_idle_pct: 100 - util }, REPORT_INTERVAL_MS), ts: lastTs });
        for (const perDirector of this.clients) perDirector[i]!.send(frame);
      });
    }
    return { lastTs, reports: k * HONEST.length, maxLateMs };
  }

  /** The round under way is the last. */
  stop(): void {
    this.stopping = true;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.flat().map((c) => c.close()));
  }
}
