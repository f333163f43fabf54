// Overload fallback per virtual service: sorry servers in and out with hysteresis, and never a black hole.
import type { ServiceSettings } from './core-config.js';
import type { CoreEvent } from './decisions.js';
import { fmt } from './explain.js';
import type { ServiceState } from './state.js';

/**
 * Sorry servers come in when every real server has been overloaded for `afterMs`, and leave only once `recoverCount`
 * of them have been usable for `recoverAfterMs`. `overloaded[i]` is the verdict for the i-th real server now.
 */
export function updateFallback(svc: ServiceSettings, ss: ServiceState, overloaded: readonly boolean[], now: number): CoreEvent[] {
  const f = svc.fallback;
  const usable = overloaded.filter((o) => !o).length;
  if (!ss.sorryActive) {
    if (usable > 0) {
      delete ss.overloadedSince;
      return [];
    }
    ss.overloadedSince ??= now;
    if (svc.sorryServers.length === 0 || now - ss.overloadedSince < f.afterMs) return [];
    ss.sorryActive = true;
    delete ss.recoveredSince;
    const names = svc.sorryServers.map((s) => s.id).join(', ');
    return [{ kind: 'sorry-on', service: svc.name, message: `${svc.name}: every real server overloaded for ${fmt((now - ss.overloadedSince) / 1000)}s, sorry server ${names} in` }];
  }
  const needed = Math.min(f.recoverCount, overloaded.length);
  if (usable < needed || usable === 0) {
    delete ss.recoveredSince;
    return [];
  }
  ss.recoveredSince ??= now;
  if (now - ss.recoveredSince < f.recoverAfterMs) return [];
  ss.sorryActive = false;
  delete ss.overloadedSince;
  delete ss.recoveredSince;
  return [{ kind: 'sorry-off', service: svc.name, message: `${svc.name}: ${usable} real server(s) usable for ${fmt(f.recoverAfterMs / 1000)}s, sorry servers out` }];
}

export interface GuardRow {
  readonly present: boolean;
  /** Its agent is live: a server whose agent is silent is kept only when no live one is left. */
  readonly live: boolean;
  readonly weight: number;
  /** Smoothed CPU utilisation, when known: the least loaded are kept. */
  readonly util: number | undefined;
  /** Established connections the agent reports (ties after utilisation). */
  readonly conns: number | undefined;
}

/**
 * When no present real server would keep a weight above 0 and no sorry server is in, picks the `keepCount`
 * least-loaded present servers (those with a live agent first) to keep at the minimum weight. Without sorry servers configured this is an alarm,
 * said once; with them it only bridges the time until they come in.
 */
export function usableAfterGuard(svc: ServiceSettings, ss: ServiceState, rows: readonly GuardRow[], events: CoreEvent[]): { kept: number[]; why: string } {
  const anyUsable = rows.some((r) => r.present && r.weight > 0);
  const candidates = rows.map((r, i) => ({ ...r, i })).filter((r) => r.present);
  if (anyUsable || ss.sorryActive || candidates.length === 0) {
    if (ss.alarm) events.push({ kind: 'alarm-clear', service: svc.name, message: `${svc.name}: usable destinations again, alarm cleared` });
    ss.alarm = false;
    return { kept: [], why: '' };
  }
  candidates.sort((a, b) => Number(b.live) - Number(a.live) || (a.util ?? Infinity) - (b.util ?? Infinity) || (a.conns ?? Infinity) - (b.conns ?? Infinity) || a.i - b.i);
  const kept = candidates.slice(0, Math.max(1, svc.fallback.keepCount)).map((c) => c.i);
  if (svc.sorryServers.length > 0) return { kept, why: 'nothing else usable until the sorry server comes in' };
  if (!ss.alarm) {
    events.push({
      kind: 'alarm',
      service: svc.name,
      message: `ALARM ${svc.name}: every real server would have weight 0 and there is no sorry server; keeping ${kept.length} least-loaded at weight ${svc.fallback.keepWeight}`,
    });
  }
  ss.alarm = true;
  return { kept, why: 'ALARM: nothing else usable and no sorry server' };
}
