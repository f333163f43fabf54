// The VM suite's client: N requests to a URL, each on a new connection, `parallel` at a time; prints counts by answer.
import { oneRequest } from './one-request.mjs';

const [url, n = '100', parallel = '1'] = process.argv.slice(2);
const counts = {};
let left = Number(n);
const one = () => oneRequest(url, 5000);
await Promise.all(
  Array.from({ length: Number(parallel) }, async () => {
    while (left-- > 0) {
      const who = await one();
      counts[who] = (counts[who] ?? 0) + 1;
    }
  }),
);
console.log(JSON.stringify(counts));
