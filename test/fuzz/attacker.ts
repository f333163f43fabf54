// The attacker of the fuzz suite, run as its own process (another host on the network): its lanes against one director.
import { seededRandom } from '../helpers/seeded-random.js';
import { rogueLane, silentLane, unauthenticatedLane, type Attack, type Rogue } from './attack-lanes.js';
import { emptyTally, FrameBudget } from './tally.js';

export interface AttackPlan {
  readonly url: string;
  readonly seed: number;
  readonly frames: number;
  readonly rogues: readonly Rogue[];
  /** Ids the director knows; the attacker has no token for them. */
  readonly knownIds: readonly string[];
  readonly honestIds: readonly string[];
  readonly honestAddress: string;
  readonly lanes: { readonly silent: number; readonly unauthenticated: number };
}

async function main(plan: AttackPlan): Promise<void> {
  const tally = emptyTally();
  const r = seededRandom(plan.seed);
  const a: Attack = { url: plan.url, ids: { known: plan.knownIds }, honestIds: plan.honestIds, honestAddress: plan.honestAddress, budget: new FrameBudget(plan.frames, tally), tally, addresses: new Set() };
  const started = performance.now();
  await Promise.all([
    ...Array.from({ length: plan.lanes.silent }, () => silentLane(a, r.fork())),
    ...Array.from({ length: plan.lanes.unauthenticated }, () => unauthenticatedLane(a, r.fork())),
    ...plan.rogues.map((rogue) => rogueLane(a, r.fork(), rogue)),
  ]);
  tally.durationMs = Math.round(performance.now() - started);
  tally.addresses = a.addresses.size;
  process.stdout.write(`${JSON.stringify(tally)}\n`);
}

main(JSON.parse(process.argv[2] ?? '{}') as AttackPlan).catch((err: unknown) => {
  process.stderr.write(`attacker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
