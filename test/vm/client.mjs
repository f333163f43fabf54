// The VM suite's client: N requests to a URL, each on a new connection, `parallel` at a time; prints counts by answer.
import { get } from 'node:http';

const [url, n = '100', parallel = '1'] = process.argv.slice(2);
const counts = {};
let left = Number(n);
const one = () =>
  new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body || `status-${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(`error-${err.code ?? err.message}`));
  });
await Promise.all(
  Array.from({ length: Number(parallel) }, async () => {
    while (left-- > 0) {
      const who = await one();
      counts[who] = (counts[who] ?? 0) + 1;
    }
  }),
);
console.log(JSON.stringify(counts));
