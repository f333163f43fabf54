// Builds the full table from ipvsadm's listings: -Sn (methods, weights), --thresholds (-x/-y and connections), and the
// counters: --stats (Conns, the cumulative count the director differences) or --rate (CPS, the kernel's estimator).
// ipvsadm 1.31's -Sn does not print thresholds, so they come from --thresholds.
import type { Dest, IpvsTable, Service } from './model.js';
import { parseList } from './parse-list.js';
import { parseSave } from './parse-save.js';

/** `counters` is `ipvsadm -Ln --stats --exact` (column Conns) or `-Ln --rate --exact` (column CPS); both are taken. */
export function mergeListings(save: string, thresholds?: string, counters?: string): IpvsTable {
  const table = parseSave(save);
  const th = thresholds === undefined ? undefined : parseList(thresholds, 'ipvsadm -Ln --thresholds');
  const cs = counters === undefined ? undefined : parseList(counters, /^Prot\s.*\sCPS\s/m.test(counters) ? 'ipvsadm -Ln --rate' : 'ipvsadm -Ln --stats');
  const services = new Map<string, Service>();
  for (const [id, s] of table.services) {
    const dests = new Map<string, Dest>();
    for (const [did, d] of s.dests) {
      const t = th?.get(id)?.get(did);
      const c = cs?.get(id)?.get(did);
      dests.set(did, {
        ...d,
        ...(t?.Uthreshold !== undefined ? { upper: t.Uthreshold } : {}),
        ...(t?.Lthreshold !== undefined ? { lower: t.Lthreshold } : {}),
        ...(t?.ActiveConn !== undefined ? { activeConns: t.ActiveConn } : {}),
        ...(t?.InActConn !== undefined ? { inactiveConns: t.InActConn } : {}),
        ...(c?.CPS !== undefined ? { cps: c.CPS } : {}),
        ...(c?.Conns !== undefined ? { conns: c.Conns } : {}),
      });
    }
    services.set(id, { ...s, dests });
  }
  return { services };
}
