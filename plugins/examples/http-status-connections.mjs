// lvs-feedback plugin: web server connections from nginx's stub_status page or Apache's server-status?auto page.
//
// Metrics (with `name: web` in the agent config):
//   nginx:  web_active, web_reading, web_writing, web_waiting
//   Apache: every numeric line in snake case: web_busy_workers, web_idle_workers, web_conns_total, web_req_per_sec, …
// Options:  url  the status page (default http://127.0.0.1/nginx_status; for Apache use …/server-status?auto).
// nginx needs `location = /nginx_status { stub_status; allow 127.0.0.1; deny all; }`;
// Apache needs mod_status with `<Location "/server-status"> SetHandler server-status; Require local`.

import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

/**
 * GETs a small page with node:http rather than fetch(): the agent runs this in its own process every interval, and
 * fetch() would load a whole HTTP client (several MB of memory) for one short request.
 */
function getText(url, signal) {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { signal, headers: { accept: 'text/plain' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (body.length < 65536) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** nginx: "Active connections: 291 \n…\nReading: 6 Writing: 179 Waiting: 106". */
function parseNginx(text) {
  const active = /^Active connections:\s*(\d+)/m.exec(text);
  const rww = /Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)/.exec(text);
  if (!active) return undefined;
  const out = { active: Number(active[1]) };
  if (rww) Object.assign(out, { reading: Number(rww[1]), writing: Number(rww[2]), waiting: Number(rww[3]) });
  return out;
}

/** "BusyWorkers" → "busy_workers", "CPULoad" → "cpu_load", "Total Accesses" → "total_accesses". */
function snakeCase(key) {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Apache ?auto: "Key: value" lines; keeps the numeric ones (Scoreboard, ServerVersion … are not numbers). */
function parseApache(text) {
  if (!/^(BusyWorkers|IdleWorkers|Total Accesses|ServerVersion):/m.test(text)) return undefined;
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z0-9 _]*):\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(line);
    if (!m) continue;
    const key = snakeCase(m[1]);
    if (/^[a-z][a-z0-9_]*$/.test(key)) out[key] = Number(m[2]);
  }
  return out;
}

export default {
  name: 'web',
  async collect(ctx) {
    const url = String(ctx.options.url ?? 'http://127.0.0.1/nginx_status');
    let res;
    try {
      res = await getText(url, ctx.signal);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new Error(`cannot reach ${url}: ${err.code ?? err.message}; set options.url to the nginx stub_status or Apache server-status?auto page`);
    }
    const text = res.text;
    if (res.status < 200 || res.status > 299) throw new Error(`${url} answered ${res.status} ${res.statusText}`.trim());
    const values = parseNginx(text) ?? parseApache(text);
    if (!values) {
      const apacheHint = /<html/i.test(text) ? ' (for Apache, add ?auto to the URL)' : '';
      throw new Error(`${url} is neither an nginx stub_status nor an Apache server-status?auto page${apacheHint}`);
    }
    return values;
  },
};
