import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseList } from '../../director/kernel/ipvs/parse-list.js';
import { runInGuest, type GuestResult } from './guest.js';
import { readSave } from './raw-ipvs.mjs';

// The harness itself, on a real IPVS kernel: weights decide shares exactly, an -R batch applies, -x stops new work.
let run: GuestResult;
const results = (): Record<string, unknown> => JSON.parse(readFileSync(join(run.shareDir, 'results.json'), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  run = await runInGuest(`
source test/vm/topology.sh
setup_topology
for s in rs1 rs2 rs3; do start_http $s; done
ipvsadm -A -t 10.0.0.1:80 -s wrr
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 100
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 50
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.13:80 -m -w 0
first=$(requests 150)
printf '%s\\n' '-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 1 -x 0 -y 0' '-e -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 2 -x 0 -y 0' '-e -t 10.0.0.1:80 -r 10.0.1.13:80 -m -w 3 -x 0 -y 0' | ipvsadm -R
second=$(requests 60)
ipvsadm -Sn > /lvsf-share/save.txt
ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.13:80 -m -w 3 -x 5 -y 0
third=$(requests 60)
ipvsadm -Ln --exact > /lvsf-share/list.txt
ipvsadm -Ln --rate --exact > /lvsf-share/rate.txt
cat > /tmp/partial.mjs <<'JS'
import { writeFileSync } from 'node:fs';
const { IpvsadmDriver } = await import(process.argv[2] + '/dist/director/kernel/ipvs/ipvsadm-driver.js');
const { createLogger } = await import(process.argv[2] + '/dist/shared/logging.js');
const driver = new IpvsadmDriver({ log: createLogger('t', 'silent'), retries: 1 });
const r = await driver.apply([
  '-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 7 -x 0 -y 0',
  '-e -t 10.0.0.1:80 -r 10.0.1.77:80 -m -w 5 -x 0 -y 0',
  '-e -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 9 -x 0 -y 0',
]);
const dests = Object.fromEntries([...r.table.services.get('tcp:10.0.0.1:80').dests].map(([id, d]) => [id, d.weight]));
writeFileSync('/lvsf-share/partial.json', JSON.stringify({ applied: r.applied, failed: r.failed, dests }));
JS
node /tmp/partial.mjs "$(pwd)"
echo "{\\"first\\":$first,\\"second\\":$second,\\"third\\":$third}" > /lvsf-share/results.json
`);
});

describe('real IPVS kernel in the microVM', () => {
  it('boots and runs the script', () => {
    expect(run.exitCode, run.output + run.console.slice(-2000)).toBe(0);
  });

  it('wrr weights 100/50/0 split 150 new connections exactly 100/50/0', () => {
    expect(results().first).toEqual({ rs1: 100, rs2: 50 });
  });

  it('one ipvsadm -R batch of -e lines changes the weights to 1/2/3: 10/20/30 of 60', () => {
    expect(results().second).toEqual({ rs1: 10, rs2: 20, rs3: 30 });
    const dests = readSave(readFileSync(join(run.shareDir, 'save.txt'), 'utf8'))['-t 10.0.0.1:80']!.dests;
    expect(Object.values(dests).map((d) => [d.weight, d.method])).toEqual([[1, 'masq'], [2, 'masq'], [3, 'masq']]);
  });

  it('an upper threshold stops new connections to a destination at -x', () => {
    const third = results().third as Record<string, number>;
    // rs3 holds 30 inactive entries (TIME_WAIT), far over -x 5. The kernel marks a destination overloaded when it binds
    // a connection to it, so one more connection arrives after -x is set, and none after that.
    expect(third.rs3 ?? 0).toBeLessThanOrEqual(1);
    expect((third.rs1 ?? 0) + (third.rs2 ?? 0) + (third.rs3 ?? 0)).toBe(60);
  });

  it('a batch with a line the kernel refuses: the others land, the refused one is retried, then reported with the kernel’s words', () => {
    const p = JSON.parse(readFileSync(join(run.shareDir, 'partial.json'), 'utf8')) as { applied: string[]; failed: { line: string; reason: string }[]; dests: Record<string, number> };
    expect(p.applied).toEqual(['-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 7 -x 0 -y 0', '-e -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 9 -x 0 -y 0']);
    expect(p.failed).toHaveLength(1);
    expect(p.failed[0]!.line).toContain('10.0.1.77:80');
    expect(p.failed[0]!.reason).toMatch(/No such destination/i);
    expect(p.dests['10.0.1.11:80']).toBe(7);
    expect(p.dests['10.0.1.12:80']).toBe(9);
    expect(p.dests['10.0.1.77:80']).toBeUndefined();
  });

  it('the listings parse with the project’s parsers', () => {
    const conns = parseList(readFileSync(join(run.shareDir, 'list.txt'), 'utf8'), 'ipvsadm -Ln');
    expect(conns.get('tcp:10.0.0.1:80')!.get('10.0.1.13:80')!.InActConn).toBeGreaterThanOrEqual(30);
    const rates = parseList(readFileSync(join(run.shareDir, 'rate.txt'), 'utf8'), 'ipvsadm -Ln --rate');
    expect(rates.get('tcp:10.0.0.1:80')!.size).toBe(3);
  });
});
