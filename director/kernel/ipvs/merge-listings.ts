// Builds the full table from ipvsadm's three listings: -Sn (methods, weights), --thresholds (-x/-y and connections),
// --rate (new connections per second). ipvsadm 1.31's -Sn does not print thresholds, so they come from --thresholds.
import type { Dest, IpvsTable, Service } from './model.js';
import { parseList } from './parse-list.js';
import { parseSave } from './parse-save.js';

export function mergeListings(save: string, thresholds?: string, rate?: string): IpvsTable {
  const table = parseSave(save);
  const th = thresholds === undefined ? undefined : parseList(thresholds, 'ipvsadm -Ln --thresholds');
  const rates = rate === undefined ? undefined : parseList(rate, 'ipvsadm -Ln --rate');
  const services = new Map<string, Service>();
  for (const [id, s] of table.services) {
    const dests = new Map<string, Dest>();
    for (const [did, d] of s.dests) {
      const t = th?.get(id)?.get(did);
      const r = rates?.get(id)?.get(did);
      dests.set(did, {
        ...d,
        ...(t?.Uthreshold !== undefined ? { upper: t.Uthreshold } : {}),
        ...(t?.Lthreshold !== undefined ? { lower: t.Lthreshold } : {}),
        ...(t?.ActiveConn !== undefined ? { activeConns: t.ActiveConn } : {}),
        ...(t?.InActConn !== undefined ? { inactiveConns: t.InActConn } : {}),
        ...(r?.CPS !== undefined ? { cps: r.CPS } : {}),
      });
    }
    services.set(id, { ...s, dests });
  }
  return { services };
}
