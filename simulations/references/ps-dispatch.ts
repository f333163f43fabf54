// The best immediate dispatch with perfect knowledge for processor-sharing servers: least increase in total response time.

/** What the dispatcher knows of one server at the moment a request arrives. */
export interface PsServerView {
  /** Work left (seconds of a speed-1 core) of each job in service, ascending. */
  readonly remaining: readonly number[];
  readonly cores: number;
  /** Speed of one core right now (the server's speed × any slow-down factor). */
  readonly speed: number;
  /** In the pool: a server out of the table takes nothing. */
  readonly present: boolean;
  /** CPU-bound background threads sharing the cores (a background job); absent = none. */
  readonly background?: number;
}

/**
 * Increase in the sum of completion times (s) when a job of `work` joins jobs with these remaining works, assuming no
 * further arrivals. With m jobs and b background threads, each job progresses at speed × min(1, cores / (m + b)), so
 * jobs finish in order of work left; both completion orders (without and with the new job) are walked side by side,
 * each old job's delay added as it finishes, then the new job's own completion time. Exact, O(n).
 */
export function psResponseIncrease(remainingAscending: readonly number[], work: number, cores: number, speed: number, background = 0): number {
  const n = remainingAscending.length;
  const rate = (m: number): number => speed * Math.min(1, cores / (m + background));
  // Without the new job: time, work done by every job so far, jobs left. With it: the same, and whether it is done.
  let tOld = 0;
  let vOld = 0;
  let mOld = n;
  let tNew = 0;
  let vNew = 0;
  let mNew = n + 1;
  let newDoneAt = -1;
  let delay = 0;
  for (const r of remainingAscending) {
    if (newDoneAt < 0 && work <= r) {
      tNew += (work - vNew) / rate(mNew);
      vNew = work;
      mNew--;
      newDoneAt = tNew;
    }
    tOld += (r - vOld) / rate(mOld);
    vOld = r;
    mOld--;
    tNew += (r - vNew) / rate(mNew);
    vNew = r;
    mNew--;
    delay += tNew - tOld;
  }
  if (newDoneAt < 0) newDoneAt = tNew + (work - vNew) / rate(mNew);
  return delay + newDoneAt;
}

/** Index of the server where the increase is least (ties: lowest index); servers absent from the pool are skipped; -1 if none is present. */
export function bestPsServer(servers: readonly PsServerView[], work: number): number {
  let best = -1;
  let least = Infinity;
  servers.forEach((s, i) => {
    if (!s.present || !(s.cores > 0) || !(s.speed > 0)) return;
    const inc = psResponseIncrease(s.remaining, work, s.cores, s.speed, s.background ?? 0);
    if (best < 0 || inc < least) {
      best = i;
      least = inc;
    }
  });
  return best;
}
