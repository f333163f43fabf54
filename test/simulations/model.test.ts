import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../simulations/engine/event-queue.js';
import { Prng } from '../../simulations/engine/prng.js';
import { runScenario } from '../../simulations/model/cluster-run.js';
import { IpvsService } from '../../simulations/model/ipvs-scheduler.js';
import { PsServer } from '../../simulations/model/ps-server.js';
import { rateFor, totalCapacity } from '../../simulations/model/scenario-spec.js';
import { corePolicy } from '../../simulations/policies/director-core.js';
import { equalWeights, staticPolicy } from '../../simulations/policies/static-weights.js';
import { SCENARIOS } from '../../simulations/scenarios/catalogue.js';

describe('the simulator itself', () => {
  it('an M/M/1 processor-sharing server reproduces the textbook mean response time 1/(μ − λ) within 5 %', () => {
    // μ = 100/s (10 ms mean work), λ = 70/s: E[T] = 1/(100 − 70) = 33.3 ms.
    const q = new EventQueue();
    const rng = new Prng(42);
    const server = new PsServer(1, 1, q);
    const times: number[] = [];
    const arrive = (): void => {
      const t0 = q.now;
      server.add(t0, rng.exp(0.01), (done) => {
        if (t0 > 60_000) times.push((done - t0) / 1000);
      });
      q.at(q.now + rng.exp(1000 / 70), arrive);
    };
    q.at(0, arrive);
    q.runUntil(3_600_000);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    expect(times.length).toBeGreaterThan(200_000);
    expect(Math.abs(mean - 1 / 30) / (1 / 30)).toBeLessThan(0.05);
  });

  it('wrr with weights 4/3/2 picks A A B A B C A B C, the kernel’s sequence', () => {
    // cw starts at max 4: only A (4 ≥ 4); cw 3: A, B; cw 2: A, B, C; cw 1: A, B, C; then back to 4.
    const svc = new IpvsService([4, 3, 2], 'wrr');
    const picks = Array.from({ length: 18 }, () => 'ABC'[svc.pick(0)]).join('');
    expect(picks).toBe('AABABCABC'.repeat(2));
  });

  it('wrr sends a burst of about w_max − w_second connections in a row to the heaviest server', () => {
    // Weights 100/91/1: the current weight steps down from 100; only A qualifies until it reaches 91.
    const svc = new IpvsService([100, 91, 1], 'wrr');
    const picks = Array.from({ length: 11 }, () => svc.pick(0));
    expect(picks).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('wlc picks the least active × 256 + inactive per weight, first in list order on ties, skipping weight 0', () => {
    const svc = new IpvsService([100, 100, 0], 'wlc', 1_000);
    expect(svc.pick(0)).toBe(0); // all 0: the first
    svc.bind(0); // A: 1 active → 256
    expect(svc.pick(0)).toBe(1);
    svc.bind(1);
    svc.close(1, 0); // B: 0 active, 1 inactive → 1
    expect(svc.pick(0)).toBe(1);
    svc.setWeight(0, 1000); // A: 256/1000 < B: 1/100? 256 × 100 > 1 × 1000: B still
    expect(svc.pick(0)).toBe(1);
    svc.setWeight(0, 100_000); // 256 × 100 < 1 × 100000: A
    expect(svc.pick(0)).toBe(0);
    expect(svc.pick(2_000)).toBe(1); // B's inactive entry expired: 0 overhead
  });

  it('sed counts active connections + 1 per weight, nq takes an idle server first', () => {
    const sed = new IpvsService([1, 3], 'sed');
    sed.bind(1);
    sed.bind(1); // B: (2+1)/3 = 1 vs A: (0+1)/1 = 1 → tie → A (first)
    expect(sed.pick(0)).toBe(0);
    const nq = new IpvsService([1, 10], 'nq');
    nq.bind(1);
    expect(nq.pick(0)).toBe(0); // A is idle: taken whatever the weights
    nq.bind(0);
    expect(nq.pick(0)).toBe(1); // both busy: sed, (1+1)/10 < (1+1)/1
  });

  it('an index that names no destination changes nothing', () => {
    const svc = new IpvsService([100, 100], 'wlc', 1_000);
    svc.setWeight(2, 0);
    svc.setThresholds(-1, 1, 1);
    svc.bind(5);
    svc.close(5, 0);
    expect(svc.dests.map((d) => [d.weight, d.active, d.inactive.length, d.upper, d.lower, d.overloaded])).toEqual([
      [100, 0, 0, 0, 0, false],
      [100, 0, 0, 0, 0, false],
    ]);
    expect(svc.pick(0)).toBe(0);
  });

  it('wrr keeps its round across a weight change, as ip_vs_wrr_dest_changed does (the scan restarts, the current weight stays)', () => {
    // The kernel's wrr written out here from ip_vs_wrr.c, not by the model's code: a mark (cl, cw, mw, di) over a list.
    const gcdOf = (a: number, b: number): number => (b === 0 ? a : gcdOf(b, a % b));
    class KernelWrr {
      cl = -1;
      cw = 0;
      mw = 0;
      di = 1;
      constructor(readonly w: number[]) {
        this.changed();
        this.cw = this.mw;
      }
      changed(): void {
        const pos = this.w.filter((x) => x > 0);
        this.di = pos.length > 0 ? pos.reduce(gcdOf) : 1;
        this.mw = Math.max(0, ...this.w) - (this.di - 1);
        this.cl = -1;
        if (this.cw > this.mw || this.cw === 0) this.cw = this.mw;
        else if (this.di > 1) this.cw = Math.floor(this.cw / this.di) * this.di + 1;
      }
      pick(): number {
        for (;;) {
          for (let i = this.cl + 1; i < this.w.length; i++) {
            if ((this.w[i] ?? 0) >= this.cw) return (this.cl = i);
          }
          this.cl = -1;
          this.cw -= this.di;
          if (this.cw <= 0) this.cw = this.mw;
        }
      }
    }
    // Weight changes at fixed picks, the gcd moving too (100/50/25 → 100/50/30 → 90/60/30 → 4/3/2).
    const changes = new Map<number, number[]>([[5, [100, 50, 30]], [23, [90, 60, 30]], [41, [4, 3, 2]], [44, [4, 1, 2]]]);
    const model = new IpvsService([100, 50, 25], 'wrr');
    const kernel = new KernelWrr([100, 50, 25]);
    const seen: [number, number][] = [];
    for (let k = 0; k < 80; k++) {
      const w = changes.get(k);
      if (w) {
        w.forEach((x, i) => model.setWeight(i, x));
        kernel.w.splice(0, 3, ...w);
        kernel.changed();
      }
      seen.push([model.pick(0), kernel.pick()]);
    }
    expect(seen.map(([m]) => m)).toEqual(seen.map(([, k]) => k));
    // Mid-round at the change to 4/3/2 (after picks 41..43 at cw 3), the next picks go on at that weight: not A, A first.
    expect(seen.slice(44, 47).map(([m]) => 'ABC'[m]).join('')).not.toBe('AAA');
  });

  it('clears the overload mark when an edit removes or raises the upper threshold, as __ip_vs_update_dest does', () => {
    const svc = new IpvsService([1, 1], 'wlc', 1_000);
    const overloadAt = (upper: number, lower: number) => {
      svc.setThresholds(0, upper, lower);
      for (let i = 0; i < 3; i++) svc.bind(0);
      return svc.dests[0]!.overloaded;
    };
    expect(overloadAt(3, 2)).toBe(true);
    // The same thresholds restated (an edit of the weight): the mark stays, as it does in the kernel.
    svc.setThresholds(0, 3, 2);
    expect(svc.dests[0]!.overloaded).toBe(true);
    // A lower upper keeps it too.
    svc.setThresholds(0, 2, 1);
    expect(svc.dests[0]!.overloaded).toBe(true);
    // Raised: cleared at once, without waiting for an entry to expire.
    svc.setThresholds(0, 10, 5);
    expect(svc.dests[0]!.overloaded).toBe(false);
    svc.setThresholds(0, 3, 0);
    for (let i = 0; i < 3; i++) svc.bind(0);
    expect(svc.dests[0]!.overloaded).toBe(true);
    // Removed (0): cleared.
    svc.setThresholds(0, 0, 0);
    expect(svc.dests[0]!.overloaded).toBe(false);
  });

  it('counts the requests still in service at the end of a run, with the time they have taken so far', () => {
    // Two servers of a tenth of the load's need under static weights: the queues grow to the end of the run.
    const base = SCENARIOS.find((s) => s.name === 'a70');
    if (!base) return expect.unreachable('scenario a70 is missing from the catalogue');
    const spec = { ...base, durationS: 30, warmupS: 10, servers: [{ cores: 1, speed: 0.1 }, { cores: 1, speed: 0.1 }] };
    const r = runScenario(spec, staticPolicy('static wrr', 'wrr', equalWeights), 3);
    // Every request offered after the warm-up is measured, finished or not.
    const offered = Array.from(r.requests.t).filter((t) => t >= spec.warmupS * 1000).length;
    expect(r.responses.length).toBe(offered);
    // The longest is about the whole measured time: a request arriving at 10 s and still waiting at 30 s.
    expect(Math.max(...r.responses)).toBeGreaterThan(15);
  });

  it('marks a destination overloaded at the upper threshold and clears it below the lower one', () => {
    const svc = new IpvsService([1, 1], 'wlc', 1_000);
    svc.setThresholds(0, 3, 2);
    for (let i = 0; i < 3; i++) svc.bind(0);
    expect(svc.dests[0]!.overloaded).toBe(true);
    expect(svc.pick(0)).toBe(1);
    svc.close(0, 0);
    svc.close(0, 0);
    svc.close(0, 500);
    expect(svc.pick(100)).toBe(1); // 3 inactive entries still count
    expect(svc.dests[0]!.overloaded).toBe(true);
    svc.expire(1_200); // two expired: 1 < lower 2 → cleared
    expect(svc.dests[0]!.overloaded).toBe(false);
  });

  it('is deterministic for a seed; another seed draws other traffic on the same timeline at the same load', () => {
    const base = SCENARIOS.find((s) => s.name === 'a70');
    if (!base) return expect.unreachable('scenario a70 is missing from the catalogue');
    const spec = { ...base, durationS: 40, warmupS: 10 };
    // Only the seed differs between the runs: the same scenario, a fresh instance of the same policy.
    const run = (seed: number) => runScenario(spec, corePolicy(3, { name: 'default', scheduler: 'nq' }), seed);
    const one = run(7);
    const two = run(7);
    const other = run(8);

    // The same seed: the same run, to the last response time and weight.
    expect(Array.from(two.responses)).toEqual(Array.from(one.responses));
    expect(two.series).toEqual(one.series);
    expect(two.events).toBe(one.events);

    // Another seed: other arrivals (another Poisson count) and other response times.
    expect(other.responses.length).not.toBe(one.responses.length);
    expect(other.events).not.toBe(one.events);
    expect(Array.from(other.responses.subarray(0, 100))).not.toEqual(Array.from(one.responses.subarray(0, 100)));
    expect(other.utilisation).not.toEqual(one.utilisation);

    // What the seed must not change: the timeline of samples and decisions, the servers, and the offered load.
    expect(other.series.map((p) => p.t)).toEqual(one.series.map((p) => p.t));
    expect(other.series.every((p) => p.weights.length === 3 && p.util.length === 3)).toBe(true);
    const expected = rateFor(spec, 0.7) * (spec.durationS - spec.warmupS);
    // The busy fraction of the whole cluster: each server's utilisation weighted by its capacity.
    const load = (r: typeof one) => spec.servers.reduce((a, s, i) => a + s.cores * s.speed * (r.utilisation[i] ?? 0), 0) / totalCapacity(spec);
    for (const r of [one, other]) {
      expect(Math.abs(r.responses.length - expected) / expected).toBeLessThan(0.05);
      expect(Math.abs(load(r) - 0.7)).toBeLessThan(0.05);
    }
  });
});
