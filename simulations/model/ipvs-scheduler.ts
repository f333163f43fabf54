// IPVS's schedulers as the kernel runs them (ip_vs_wrr.c, ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c), with connection
// thresholds, active and inactive entries and the rate estimator, for the model. One instance is one virtual service.
import { ESTIMATOR_INTERVAL_MS, KernelRateEstimator } from './rate-estimator.js';

export type Scheduler = 'wrr' | 'wlc' | 'sed' | 'nq';

/**
 * Expiry times in ascending order with O(1) removal at the head (Array.shift is O(n) on long arrays). Entries nearly
 * always come in the order they expire (every close of a run has the same timeout after its last packet); one that
 * does not is put in its place.
 */
export class ExpiryQueue {
  private items: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(t: number): void {
    const items = this.items;
    let i = items.length;
    if (i === this.head || (items[i - 1] ?? -Infinity) <= t) {
      items.push(t);
      return;
    }
    // After the last entry due no later than t: entries due at the same time keep their order.
    let lo = this.head;
    let hi = i;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((items[mid] ?? Infinity) <= t) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
    items.splice(i, 0, t);
  }

  /** Removes entries due by `now`; returns how many. */
  expire(now: number): number {
    let removed = 0;
    for (let t = this.items[this.head]; t !== undefined && t <= now; t = this.items[this.head]) {
      this.head++;
      removed++;
    }
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return removed;
  }
}

export interface SimDest {
  weight: number;
  /** ESTABLISHED entries: ipvsadm's ActiveConn. */
  active: number;
  /** Expiry times of closing entries (TIME_WAIT, FIN_WAIT, …), soonest first: part of ipvsadm's InActConn. */
  inactive: ExpiryQueue;
  /** Entries in SYN_RECV, waiting for the client's ACK: the rest of InActConn (they establish rather than expire). */
  synRecv: number;
  upper: number;
  lower: number;
  overloaded: boolean;
  /** Connections scheduled here since the start (ipvsadm's Conns, `-Ln --stats --exact`): datagrams under `-o`. */
  bound: number;
  /** The kernel's estimate of `bound`'s rate (`-Ln --rate`, CPS). */
  readonly rate: KernelRateEstimator;
}

export function newDest(weight: number): SimDest {
  return { weight, active: 0, inactive: new ExpiryQueue(), synRecv: 0, upper: 0, lower: 0, overloaded: false, bound: 0, rate: new KernelRateEstimator() };
}

/** ipvsadm's InActConn: every entry not ESTABLISHED. */
export const inactiveConns = (d: SimDest): number => d.inactive.length + d.synRecv;

/**
 * The model's IPVS service. Semantics kept from the kernel: a destination with weight 0 or marked overloaded gets no
 * new connection; wlc's overhead is active × 256 + inactive, compared by cross-multiplication with the weights, ties
 * to the first in list order; sed's is active + 1; nq takes the first idle destination, else sed; wrr steps a current
 * weight down by the gcd from the maximum (so it sends w_max − w_second in a row to the heaviest). The overload mark is
 * set when a connection is bound and active + inactive reaches the upper threshold, and cleared when an entry expires
 * and the total falls below the lower threshold (3/4 of the upper when the lower is 0). Destinations are named by their
 * index in the list; an index that names none changes nothing. (The kernel's list runs newest first, `ipvsadm -L` sorts
 * it: the model's "first" is the kernel's last added; with every server idle it is that one under wlc and nq.)
 *
 * A connection's entry goes through `bind` (already established: the model's short connections on a LAN) or `open`
 * then `establish` (SYN_RECV for a round trip, inactive), and `close` or `closeAt` (inactive until it expires).
 * `onePacket` is UDP under `-o`: the datagram is counted and scheduled, its entry gone before the next one.
 */
export class IpvsService {
  readonly dests: SimDest[];
  private cl = -1;
  private cw = 0;
  private nextRateTick = ESTIMATOR_INTERVAL_MS;

  constructor(
    weights: readonly number[],
    public scheduler: Scheduler,
    /** How long a closed connection stays an inactive entry (the kernel's TCP TIME_WAIT: 120 s). */
    readonly inactiveMs = 120_000,
  ) {
    this.dests = weights.map(newDest);
  }

  setWeight(i: number, w: number): void {
    const d = this.dests[i];
    if (d === undefined || d.weight === w) return;
    d.weight = w;
    this.wrrDestChanged();
  }

  /**
   * ip_vs_wrr_dest_changed: the scan goes back to the head of the list but the round's current weight stays (brought
   * within the new maximum, and onto the gcd's grid), so a weight change does not start a new round.
   */
  private wrrDestChanged(): void {
    const { mw, di } = this.wrrMarks();
    const cw = this.cw > mw || this.cw === 0 ? mw : di > 1 ? Math.floor(this.cw / di) * di + 1 : this.cw;
    // The scan from the head: the model lowers cw when it reaches the first destination, so it starts one step up.
    this.cl = -1;
    this.cw = cw + di;
  }

  /** The kernel's wrr marks for the current weights: the gcd of the positive ones, and max − (gcd − 1). */
  private wrrMarks(): { mw: number; di: number } {
    const weights = this.dests.map((d) => d.weight);
    const positive = weights.filter((w) => w > 0);
    const di = positive.length > 0 ? positive.reduce(gcd) : 1;
    return { mw: Math.max(0, ...weights) - (di - 1), di };
  }

  /** An edit's thresholds; as __ip_vs_update_dest, one that removes or raises the upper clears the overload mark. */
  setThresholds(i: number, upper: number, lower: number): void {
    const d = this.dests[i];
    if (d === undefined) return;
    if (upper === 0 || upper > d.upper) d.overloaded = false;
    d.upper = upper;
    d.lower = lower;
  }

  private total(d: SimDest): number {
    return d.active + d.inactive.length + d.synRecv;
  }

  /** Runs the rate estimators' ticks due by `now` (the kernel's estimation timer, one for every destination). */
  advanceRates(now: number): void {
    if (now < this.nextRateTick) return;
    for (const d of this.dests) d.rate.advance(now, d.bound);
    this.nextRateTick = (Math.floor(now / ESTIMATOR_INTERVAL_MS) + 1) * ESTIMATOR_INTERVAL_MS;
  }

  /** Drops inactive entries that expired by `now`, clearing the overload mark as the kernel does. */
  expire(now: number): void {
    for (const d of this.dests) {
      if (d.inactive.expire(now) > 0 && d.overloaded) this.maybeClear(d);
    }
  }

  private maybeClear(d: SimDest): void {
    const total = this.total(d);
    if (d.lower > 0) {
      if (total < d.lower) d.overloaded = false;
    } else if (d.upper > 0) {
      if (total * 4 < d.upper * 3) d.overloaded = false;
    } else d.overloaded = false;
  }

  private usable(d: SimDest): boolean {
    return d.weight > 0 && !d.overloaded;
  }

  /** The destination for a new connection, or -1 when none is usable. */
  pick(now: number): number {
    this.expire(now);
    this.advanceRates(now);
    switch (this.scheduler) {
      case 'wrr':
        return this.wrr();
      case 'wlc':
        return this.least((d) => d.active * 256 + inactiveConns(d));
      case 'sed':
        return this.least((d) => d.active + 1);
      case 'nq': {
        const idle = this.dests.findIndex((d) => this.usable(d) && d.active === 0);
        return idle >= 0 ? idle : this.least((d) => d.active + 1);
      }
    }
  }

  private least(overhead: (d: SimDest) => number): number {
    let best = -1;
    let bestWeight = 0;
    let loh = 0;
    this.dests.forEach((d, i) => {
      if (!this.usable(d)) return;
      const doh = overhead(d);
      if (best < 0 || loh * d.weight > doh * bestWeight) {
        best = i;
        bestWeight = d.weight;
        loh = doh;
      }
    });
    return best;
  }

  private wrr(): number {
    const n = this.dests.length;
    if (this.dests.every((d) => d.weight <= 0)) return -1;
    const { mw, di } = this.wrrMarks();
    // At most one full pass over every current weight: if nothing is usable, give up as the kernel does.
    for (let steps = 0; steps <= n * (mw / di + 1); steps++) {
      this.cl = (this.cl + 1) % n;
      if (this.cl === 0) {
        this.cw -= di;
        if (this.cw <= 0) this.cw = mw;
      }
      const d = this.dests[this.cl];
      if (d !== undefined && !d.overloaded && d.weight >= this.cw) return this.cl;
    }
    return -1;
  }

  /** A new connection, already established. */
  bind(i: number): void {
    const d = this.dests[i];
    if (d === undefined) return;
    d.active++;
    this.counted(d);
  }

  /** A new connection's SYN: its entry is in SYN_RECV, inactive, until `establish`. */
  open(i: number): void {
    const d = this.dests[i];
    if (d === undefined) return;
    d.synRecv++;
    this.counted(d);
  }

  /** The client's ACK: SYN_RECV → ESTABLISHED. */
  establish(i: number): void {
    const d = this.dests[i];
    if (d === undefined || d.synRecv === 0) return;
    d.synRecv--;
    d.active++;
  }

  private counted(d: SimDest): void {
    d.bound++;
    if (d.upper > 0 && this.total(d) >= d.upper) d.overloaded = true;
  }

  /** The connection closed: it stays as an inactive entry until `inactiveMs` later. */
  close(i: number, now: number): void {
    this.closeAt(i, now + this.inactiveMs);
  }

  /** An established connection's entry turned inactive (FIN seen) and expires at `expiresAt`. */
  closeAt(i: number, expiresAt: number): void {
    const d = this.dests[i];
    if (d === undefined) return;
    d.active--;
    d.inactive.push(expiresAt);
  }

  /**
   * One datagram of a UDP service with one-packet scheduling: its entry is bound (counted, thresholds checked) and
   * expired at once after the packet is sent (ip_vs_conn_put), so the next pick sees no entry of it.
   */
  onePacket(i: number): void {
    const d = this.dests[i];
    if (d === undefined) return;
    d.active++;
    this.counted(d);
    d.active--;
    if (d.overloaded) this.maybeClear(d);
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
