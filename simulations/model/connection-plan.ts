// What one client connection will do, drawn when it arrives: the work of each of its requests, the think times
// between them, and how long it then stays idle before the client closes it. Drawn up front, so the same seed gives
// every policy the same connections (only when each request is sent depends on how fast the previous one was served).
import type { Prng } from '../engine/prng.js';
import { classPicker } from './request-mix.js';
import type { ConnectionSpec, RequestClasses } from './scenario-spec.js';

export interface ConnectionPlan {
  /** The first request's work (seconds of a reference core). */
  readonly work: number;
  /** Further requests: each one's work, and the think time (ms) before it; absent for a one-request connection. */
  readonly more?: { readonly works: readonly number[]; readonly thinksMs: readonly number[] };
  /** The client closes this long (ms) after its last response reached it; absent: the server closes with it. */
  readonly idleMs?: number;
}

/**
 * Draws connections. Each request's class and work come from `works` in the order the requests will be sent (the
 * first the same two draws a short connection has always taken); counts, think times and session lengths from `life`.
 */
export function connectionPlanner(classes: RequestClasses, spec: ConnectionSpec | undefined, works: Prng, life: Prng): () => ConnectionPlan {
  const classOf = classPicker(classes);
  const work = (): number => {
    const cls = classOf(works.next());
    return works.lognormal(cls.meanWork, cls.cv);
  };
  const thinkMs = (spec?.thinkS ?? 0) * 1000;
  const keepAliveMs = (spec?.keepAliveS ?? 0) * 1000;
  const think = (): number => (thinkMs > 0 ? life.exp(thinkMs) : 0);

  if (spec?.sessionS !== undefined) {
    const sessionMs = spec.sessionS * 1000;
    return () => {
      const first = work();
      const length = life.exp(sessionMs);
      const ws: number[] = [];
      const ts: number[] = [];
      let elapsed = 0;
      // Think times that fit in the session, each followed by a request; the rest of the session is idle.
      for (let th = think(); thinkMs > 0 && elapsed + th < length; th = think()) {
        elapsed += th;
        ts.push(th);
        ws.push(work());
      }
      return { work: first, ...(ws.length > 0 ? { more: { works: ws, thinksMs: ts } } : {}), idleMs: length - elapsed + keepAliveMs };
    };
  }

  // Geometric: after each request another with probability 1 − 1/mean.
  const further = 1 - 1 / Math.max(1, spec?.requestsPerConnection ?? 1);
  return () => {
    const first = work();
    if (further <= 0) return keepAliveMs > 0 ? { work: first, idleMs: keepAliveMs } : { work: first };
    const ws: number[] = [];
    const ts: number[] = [];
    while (life.next() < further) {
      ts.push(think());
      ws.push(work());
    }
    const more = ws.length > 0 ? { more: { works: ws, thinksMs: ts } } : {};
    return keepAliveMs > 0 ? { work: first, ...more, idleMs: keepAliveMs } : { work: first, ...more };
  };
}
