// What part of the status a request asks for (GET /status?service=…&state=…&limit=…): at 10,000 servers, not all of it.
import { StatusQueryError } from './errors.js';
import type { DestStatus, DirectorStatus, ServiceStatus } from './status-view.js';

export interface StatusQuery {
  /** Only this virtual service (its name). */
  readonly service?: string;
  /** Only real servers of this agent. */
  readonly agent?: string;
  /** Only real servers whose agent is in this state (waiting, blackout, live, stale), or `absent` from the table. */
  readonly state?: string;
  /** At most this many real servers in all, in config order. */
  readonly limit?: number;
  /** Counts per service and state instead of the real servers. */
  readonly summary?: boolean;
}

const KEYS = new Set(['service', 'agent', 'state', 'limit', 'summary']);
const STATES = new Set(['waiting', 'blackout', 'live', 'stale', 'absent']);

/** Reads a query string; an unknown key or a bad value is a StatusQueryError (answered 400). */
export function parseStatusQuery(params: URLSearchParams): StatusQuery {
  const q: { -readonly [K in keyof StatusQuery]: StatusQuery[K] } = {};
  for (const [key, value] of params) {
    if (!KEYS.has(key)) throw new StatusQueryError(`unknown parameter "${key}" (known: ${[...KEYS].join(', ')})`);
    if (key === 'limit') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new StatusQueryError(`limit must be a whole number ≥ 0, not "${value}"`);
      q.limit = n;
    } else if (key === 'summary') {
      q.summary = value !== '0' && value !== 'false';
    } else if (key === 'state') {
      if (!STATES.has(value)) throw new StatusQueryError(`state must be one of ${[...STATES].join(', ')}, not "${value}"`);
      q.state = value;
    } else if (key === 'service' || key === 'agent') {
      q[key] = value;
    }
  }
  return q;
}

function matches(d: DestStatus, q: StatusQuery): boolean {
  if (q.agent !== undefined && d.agent !== q.agent) return false;
  if (q.state === 'absent') return !d.present;
  if (q.state !== undefined && d.agentState !== q.state) return false;
  return true;
}

/** The status with only the services and real servers asked for; `counts` always covers the whole service. */
export function filterStatus(s: DirectorStatus, q: StatusQuery): DirectorStatus {
  if (Object.keys(q).length === 0) return s;
  let left = q.limit ?? Number.POSITIVE_INFINITY;
  const services: ServiceStatus[] = [];
  for (const svc of s.services) {
    if (q.service !== undefined && svc.name !== q.service) continue;
    if (q.summary) {
      services.push({ ...svc, dests: [] });
      continue;
    }
    const dests: DestStatus[] = [];
    for (const d of svc.dests) {
      if (left <= 0) break;
      if (!matches(d, q)) continue;
      dests.push(d);
      left--;
    }
    if (dests.length > 0 || (q.agent === undefined && q.state === undefined)) services.push({ ...svc, dests });
  }
  return { ...s, services };
}
