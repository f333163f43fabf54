// `npm run bench:ipvs`: boots the microVM and runs the IPVS batch benchmark on its real kernel; prints the figures.
import { runInGuest } from './guest.js';

const r = await runInGuest('node test/bench/ipvs-batch.mjs', { timeoutMs: 600_000 });
process.stdout.write(r.output);
console.log(`(guest under qemu TCG, ${Math.round(r.wallMs / 1000)} s with boot)`);
process.exitCode = r.exitCode === 0 ? 0 : 1;
