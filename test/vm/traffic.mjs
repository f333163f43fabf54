// The VM suite's steady client: keeps `parallel` requests in flight to each URL, each on a new connection, until its
// stdin closes, and prints one line per answer, `<wall-clock ms> <url index> <answer>`, so a scenario can count who
// answered in any window of time. `stop <index>` on stdin stops sending to that URL (its requests in flight finish).
//   node traffic.mjs URL PARALLEL [URL PARALLEL ...]
import { oneRequest } from './one-request.mjs';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const targets = [];
for (let i = 0; i + 1 < args.length; i += 2) targets.push({ url: args[i], parallel: Number(args[i + 1]), on: true });

const one = (url) => oneRequest(url, 2000);

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function worker(index) {
  const target = targets[index];
  while (target.on) {
    const who = await one(target.url);
    process.stdout.write(`${Date.now()} ${index} ${who}\n`);
    // A refused connection answers at once: pace the retries instead of spinning the CPU everything else shares.
    if (who.startsWith('error-')) await pause(50);
  }
}

const workers = targets.flatMap((_, i) => Array.from({ length: targets[i].parallel }, () => worker(i)));
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const m = /^stop (\d+)$/.exec(line.trim());
    if (m && targets[Number(m[1])]) targets[Number(m[1])].on = false;
  })
  .on('close', () => {
    for (const t of targets) t.on = false;
  });
await Promise.all(workers);
