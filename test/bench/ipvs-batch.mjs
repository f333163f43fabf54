// Benchmark (runs where the kernel has IPVS, e.g. the test microVM): weight changes through one ipvsadm -R batch
// with read-back, against one ipvsadm process per change, and the read of a 5,000-destination table.
import { execFileSync } from 'node:child_process';
import { IpvsadmDriver } from '../../dist/director/ipvs/ipvsadm-driver.js';
import { createLogger } from '../../dist/shared/logging.js';

try {
  execFileSync('ipvsadm', ['-Ln'], { stdio: 'ignore' });
} catch {
  console.error('ipvs-batch: ipvsadm -Ln fails here (no IPVS in this kernel?); run it with npm run bench:ipvs, which boots a VM');
  process.exit(2);
}

const SERVICES = 10;
const PER_SERVICE = 500;
const dest = (s, d) => ({ vip: `10.1.${s}.1:80`, rip: `10.2.${Math.floor(d / 250)}.${(d % 250) + 1}:80` });
execFileSync('ipvsadm', ['-C']);
const setup = [];
for (let s = 0; s < SERVICES; s++) {
  setup.push(`-A -t 10.1.${s}.1:80 -s wlc`);
  for (let d = 0; d < PER_SERVICE; d++) setup.push(`-a -t ${dest(s, d).vip} -r ${dest(s, d).rip} -m -w 100 -x 0 -y 0`);
}
execFileSync('ipvsadm', ['-R'], { input: `${setup.join('\n')}\n` });

const driver = new IpvsadmDriver({ log: createLogger('bench', 'silent'), timeoutMs: 120_000 });
const edits = (n, weight) => Array.from({ length: n }, (_, i) => {
  const { vip, rip } = dest(i % SERVICES, Math.floor(i / SERVICES));
  return `-e -t ${vip} -r ${rip} -m -w ${weight} -x 0 -y 0`;
});
const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const readMs = await time(() => driver.read());
const batch1k = await time(async () => {
  const r = await driver.apply(edits(1_000, 50));
  if (r.failed.length) throw new Error(`${r.failed.length} failed`);
});
const batch5k = await time(async () => {
  const r = await driver.apply(edits(5_000, 70));
  if (r.failed.length) throw new Error(`${r.failed.length} failed`);
});
const SAMPLE = 200;
const perProcess = await time(async () => {
  for (const line of edits(SAMPLE, 90)) execFileSync('ipvsadm', line.split(' '));
});
const perChange = perProcess / SAMPLE;
const f = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
console.log(`IPVS table of ${SERVICES * PER_SERVICE} destinations in ${SERVICES} services`);
console.log(`  read (ipvsadm -Sn, --thresholds, --stats; parsed)             ${f(readMs)}`);
console.log(`  1,000 changes: one ipvsadm -R batch + read-back + verify        ${f(batch1k)}   one process per change ${f(perChange * 1_000)} (${(perChange * 1_000 / batch1k).toFixed(1)}× slower)`);
console.log(`  5,000 changes: one ipvsadm -R batch + read-back + verify        ${f(batch5k)}   one process per change ${f(perChange * 5_000)} (${(perChange * 5_000 / batch5k).toFixed(1)}× slower)`);
console.log(`  one process per change: ${perChange.toFixed(1)} ms each, timed over ${SAMPLE} changes and scaled`);
execFileSync('ipvsadm', ['-C']);
