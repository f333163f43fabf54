// Captures ipvsadm's real output from the guest kernel into test/fixtures/ipvs/real-*.txt (run: npx tsx test/vm/capture-fixtures.ts).
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runInGuest } from './guest.js';

const r = await runInGuest(`
source test/vm/topology.sh
setup_topology
for s in rs1 rs2 rs3; do start_http $s; done
ipvsadm -A -t 10.0.0.1:80 -s wlc
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 100
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.12:80 -m -w 50 -x 800 -y 600
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.13:80 -m -w 0
ipvsadm -A -u 10.0.0.1:53 -s rr
ipvsadm -a -u 10.0.0.1:53 -r 10.0.1.11:53 -m -w 1
ipvsadm -A -f 5 -s wrr
ipvsadm -a -f 5 -r 10.0.2.21:0 -g -w 3
ipvsadm -a -f 5 -r 10.0.2.22:0 -i -w 2 -x 10
ipvsadm -A -t 10.0.0.1:443 -s sed -p 300
ipvsadm -a -t 10.0.0.1:443 -r 10.0.1.11:443 -m -w 10
ip -6 addr add 2001:db8::1/64 dev vc
ipvsadm -A -t [2001:db8::1]:80 -s nq
ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::11]:80 -m -w 7
requests 200 4 > /dev/null
ipvsadm --version > /lvsf-share/real-version.txt 2>&1
ipvsadm -Sn > /lvsf-share/real-save.txt
ipvsadm -Ln > /lvsf-share/real-list.txt
ipvsadm -Ln --exact > /lvsf-share/real-list-exact.txt
ipvsadm -Ln --stats --exact > /lvsf-share/real-stats.txt
ipvsadm -Ln --rate --exact > /lvsf-share/real-rate.txt
ipvsadm -Ln --thresholds > /lvsf-share/real-thresholds.txt
uname -r > /lvsf-share/real-kernel.txt
`);
if (r.exitCode !== 0) throw new Error(`capture failed (${r.exitCode}):\n${r.output}\n${r.console.slice(-2000)}`);
for (const f of ['real-save.txt', 'real-list.txt', 'real-list-exact.txt', 'real-stats.txt', 'real-rate.txt', 'real-thresholds.txt']) {
  copyFileSync(join(r.shareDir, f), join(REPO, 'test/fixtures/ipvs', f));
}
const version = readFileSync(join(r.shareDir, 'real-version.txt'), 'utf8').trim();
const kernel = readFileSync(join(r.shareDir, 'real-kernel.txt'), 'utf8').trim();
writeFileSync(
  join(REPO, 'test/fixtures/ipvs/README.md'),
  `# ipvsadm output fixtures\n\n\`real-*.txt\` were captured from a real kernel (${kernel}, ${version}) in the test microVM by\n\`npx tsx test/vm/capture-fixtures.ts\`, after 200 HTTP requests through the first service; the script shows the\ntable that was built. \`handmade-*.txt\` are written in the same format for cases the capture does not cover.\n`,
);
console.log(`captured from ${kernel}, ${version}`);
