// A small seeded random source (mulberry32), so generated test input can be replayed from the seed a failure prints.

export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A new source of its own, seeded from this one: a lane's draws do not depend on how the others interleave. */
  fork(): Random;
}

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const r: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    fork: () => seededRandom(Math.floor(next() * 4_294_967_296)),
  };
  return r;
}

/** The seed to use: the one given in `env[name]` (to replay a failure), else a new one. */
export function seedFrom(env: NodeJS.ProcessEnv, name: string): number {
  const given = env[name];
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${given}`);
    return n;
  }
  return Math.floor(Math.random() * 4_294_967_296);
}
