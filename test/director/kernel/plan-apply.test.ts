import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DestDecision, ServiceDecision } from '../../../director/core/decisions.js';
import { applyLines } from '../../../director/kernel/ipvs/apply-lines.js';
import { DryRunDriver } from '../../../director/kernel/ipvs/dry-run-driver.js';
import { mergeListings } from '../../../director/kernel/ipvs/merge-listings.js';
import { parseSave } from '../../../director/kernel/ipvs/parse-save.js';
import { editLine } from '../../../director/kernel/ipvs/render.js';
import { lineLanded } from '../../../director/kernel/ipvs/verify.js';
import { KernelTable } from '../../../director/kernel/kernel-table.js';
import { createLogger } from '../../../shared/logging.js';
import { threeServerConfig } from '../../helpers/director-fixtures.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ipvs/${name}`, import.meta.url), 'utf8');
const live = mergeListings(fixture('real-save.txt'), fixture('real-thresholds.txt'));
const silent = createLogger('test', 'silent');

function decision(destId: string, weight: number, upper = 0, lower = 0, changed = true): DestDecision {
  return { service: 'web', serviceId: 'tcp:10.0.0.1:80', destId, agentId: 'a', present: true, weightBefore: -1, weight, upper, lower, changed, reason: 'test' };
}
/** Real servers whose thresholds the config names, so lvs-feedback owns (and writes) them. */
const OWNING = { realServers: [11, 12, 13].map((n, i) => ({ address: `10.0.1.${n}`, agent: `a${i + 1}`, weight: 100, upperThreshold: 0, lowerThreshold: 0 })) };
const noSorry: ServiceDecision[] = [{ service: 'web', serviceId: 'tcp:10.0.0.1:80', sorryActive: false, sorryServers: [], alarm: false }];

describe('edit lines', () => {
  it('restate method, weight and both thresholds, because ipvsadm -e resets what it is not told', () => {
    expect(editLine({ protocol: 'tcp', address: '10.0.0.1', port: 80 }, { address: '10.0.1.12', port: 80, method: 'masq', weight: 80, upper: 800, lower: 600 })).toBe('-e -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 80 -x 800 -y 600');
    expect(editLine({ protocol: 'fwm', fwmark: 5 }, { address: '10.0.2.22', port: 0, method: 'tunnel', weight: 1, upper: 0, lower: 0 })).toBe('-e -f 5 -r 10.0.2.22:0 -i -w 1 -x 0 -y 0');
  });
});

describe('planning against the live table', () => {
  const config = threeServerConfig({ ...OWNING, sorryServers: [{ address: '10.0.9.1', weight: 1 }] });

  async function planned(dests: DestDecision[], services: ServiceDecision[] = noSorry, table = live) {
    const port = new KernelTable(config, new DryRunDriver(table, silent));
    await port.read();
    return port.plan(dests, services);
  }

  it('edits only changed destinations, keeping the kernel’s forwarding method', async () => {
    expect(await planned([decision('10.0.1.11:80', 80), decision('10.0.1.12:80', 50, 800, 600, false)])).toEqual(['-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 80 -x 0 -y 0']);
  });

  it('restates the kernel’s thresholds where the config names none (someone else’s), and writes only those it names', async () => {
    // rs2 has -x 800 -y 600 in the kernel (a health checker's uthreshold/lthreshold); the decision asks for 0/0.
    const foreign = new KernelTable(threeServerConfig(), new DryRunDriver(live, silent));
    await foreign.read();
    expect(foreign.plan([decision('10.0.1.12:80', 40, 0, 0)], noSorry)).toEqual(['-e -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 40 -x 800 -y 600']);
    const owned = new KernelTable(threeServerConfig(OWNING), new DryRunDriver(live, silent));
    await owned.read();
    expect(owned.plan([decision('10.0.1.12:80', 40, 0, 0)], noSorry)).toEqual(['-e -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 40 -x 0 -y 0']);
  });

  it('never re-adds a destination missing from the kernel', async () => {
    const without = applyLines(live, ['-d -t 10.0.0.1:80 -r 10.0.1.13:80']).table;
    expect(await planned([decision('10.0.1.13:80', 70)], noSorry, without)).toEqual([]);
  });

  it('adds the sorry server when the service needs it and removes it after, touching nothing else', async () => {
    const sorry = config.core.services[0]!.sorryServers[0]!;
    const on: ServiceDecision[] = [{ ...noSorry[0]!, sorryActive: true, sorryServers: [sorry] }];
    expect(await planned([], on)).toEqual(['-a -t 10.0.0.1:80 -r 10.0.9.1:80 -m -w 1 -x 0 -y 0']);
    const withSorry = applyLines(live, ['-a -t 10.0.0.1:80 -r 10.0.9.1:80 -m -w 1 -x 0 -y 0']).table;
    expect(await planned([], noSorry, withSorry)).toEqual(['-d -t 10.0.0.1:80 -r 10.0.9.1:80']);
  });

  it('reports a missing service and does not create it unless asked', async () => {
    const empty = parseSave('-A -t 10.0.0.9:80 -s wlc\n');
    expect(await planned([decision('10.0.1.11:80', 80)], noSorry, empty)).toEqual([]);
    const creating = threeServerConfig({ create: true, scheduler: 'wlc' });
    const port = new KernelTable(creating, new DryRunDriver(empty, silent));
    await port.read();
    expect(port.plan([], noSorry)).toEqual([
      '-A -t 10.0.0.1:80 -s wlc',
      '-a -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 100 -x 0 -y 0',
      '-a -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 100 -x 0 -y 0',
      '-a -t 10.0.0.1:80 -r 10.0.1.13:80 -m -w 100 -x 0 -y 0',
    ]);
  });

  it('round-trips: applying the plan gives the desired values, leaves everything else alone, and re-planning is empty', async () => {
    const ids = ['10.0.1.11:80', '10.0.1.12:80', '10.0.1.13:80'];
    // Thresholds the kernel takes: lower at most upper (the core keeps them so; the kernel refuses the rest).
    const thresholds = fc.integer({ min: 0, max: 5_000 }).chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x })));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 65_535 }), thresholds).map(([w, [x, y]]) => [w, x, y] as const), { minLength: 3, maxLength: 3 }), async (wanted) => {
        const decisions = wanted.map(([w, x, y], i) => decision(ids[i]!, w, x, y));
        const driver = new DryRunDriver(live, silent);
        const port = new KernelTable(config, driver);
        await port.read();
        const out = await port.write(decisions, noSorry);
        expect(out.failed).toEqual([]);
        const after = await driver.read();
        wanted.forEach(([w, x, y], i) => expect(after.services.get('tcp:10.0.0.1:80')!.dests.get(ids[i]!)).toMatchObject({ address: `10.0.1.${11 + i}`, port: 80, method: 'masq', weight: w, upper: x, lower: y }));
        for (const [id, s] of live.services) if (id !== 'tcp:10.0.0.1:80') expect(after.services.get(id)).toEqual(s);
        await port.read();
        const unchanged = decisions.map((d) => ({ ...d, changed: false }));
        expect(port.plan(unchanged, noSorry)).toEqual([]);
        for (const line of out.applied) expect(lineLanded(after, line)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('ipvsadm -R semantics in memory', () => {
  it('reports a plan the kernel refuses (lower threshold above upper) as failed, with the kernel’s words, and changes nothing', async () => {
    const config = threeServerConfig(OWNING);
    const driver = new DryRunDriver(live, silent);
    const port = new KernelTable(config, driver);
    await port.read();
    const out = await port.write([decision('10.0.1.11:80', 60, 10, 20), decision('10.0.1.12:80', 40, 0, 5), decision('10.0.1.13:80', 30, 20, 10)], noSorry);
    expect(out.failed.map((f) => [f.line, f.reason])).toEqual([
      ['-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 60 -x 10 -y 20', 'Numerical result out of range'],
      ['-e -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 40 -x 0 -y 5', 'Numerical result out of range'],
    ]);
    expect(out.applied).toEqual(['-e -t 10.0.0.1:80 -r 10.0.1.13:80 -m -w 30 -x 20 -y 10']);
    expect((await driver.read()).services.get('tcp:10.0.0.1:80')!.dests.get('10.0.1.11:80')).toEqual(live.services.get('tcp:10.0.0.1:80')!.dests.get('10.0.1.11:80'));
  });

  it('applies each line on its own: a refused line does not stop the others', () => {
    const r = applyLines(live, ['-e -t 10.0.0.1:80 -r 10.0.1.99:80 -m -w 5 -x 0 -y 0', '-a -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 5 -x 0 -y 0', '-e -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 7 -x 0 -y 0']);
    expect(r.errors.map((e) => e.reason)).toEqual(['No such destination', 'Destination already exists']);
    expect(r.table.services.get('tcp:10.0.0.1:80')!.dests.get('10.0.1.12:80')!.weight).toBe(7);
  });
});
