// The kernel-rate scenario's client: a new connection every 1/RATE s on a fixed schedule for SECONDS (late launches
// catch up, so the count is exact), and prints every launch's wall-clock time and who answered, as JSON.
//   node paced-client.mjs URL RATE SECONDS
import { oneRequest } from '../one-request.mjs';

const [url, rate = '20', seconds = '10'] = process.argv.slice(2);
const n = Math.round(Number(rate) * Number(seconds));
const periodMs = 1000 / Number(rate);
const one = () => oneRequest(url, 5000);

const startAt = Date.now() + 100;
const launches = [];
const answers = [];
let next = 0;
await new Promise((resolve) => {
  const tick = () => {
    while (next < n && startAt + next * periodMs <= Date.now()) {
      const i = next++;
      launches[i] = Date.now();
      answers.push(one().then((who) => [launches[i], who]));
    }
    if (next < n) setTimeout(tick, Math.max(0, startAt + next * periodMs - Date.now()));
    else resolve();
  };
  setTimeout(tick, Math.max(0, startAt - Date.now()));
});
const done = await Promise.all(answers);
const counts = {};
for (const [, who] of done) counts[who] = (counts[who] ?? 0) + 1;
const lateMs = Math.max(...launches.map((t, i) => t - (startAt + i * periodMs)));
console.log(JSON.stringify({ rate: Number(rate), seconds: Number(seconds), startAt, lateMs: Math.round(lateMs), counts, launches: done }));
