// One HTTP GET on a new connection, for the VM suite's clients: resolves with the body (who answered) or why not.
import { get } from 'node:http';

/** Resolves with the response body, `status-<code>` for an empty one, or `error-<code>`; never rejects. */
export const oneRequest = (url, timeoutMs = 5000) =>
  new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body || `status-${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(`error-${err.code ?? err.message}`));
  });
