// Parses `ipvsadm -Ln --exact` (active/inactive connections), `-Ln --stats --exact` (cumulative counts) and
// `-Ln --rate --exact` (rates) into counters by id.
import { IpvsParseError } from '../../errors.js';
import { destIdOf, serviceIdOf, type ServiceProtocol } from './names.js';
import { splitHostPort } from './parse-save.js';

/** Service id → destination id → the numeric columns of that listing, by column name. */
export type ListCounters = Map<string, Map<string, Record<string, number>>>;

const PROTO: Record<string, ServiceProtocol> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp', FWM: 'fwm' };

/**
 * Reads any `-Ln` listing: the header line starting with "  -> RemoteAddress:Port" (or, for --stats and --rate, the
 * "Prot LocalAddress:Port" line) names the destination columns;
 * service lines start with TCP/UDP/SCTP/FWM, destination lines with "->".
 */
export function parseList(text: string, what: string): ListCounters {
  const out: ListCounters = new Map();
  let columns: string[] | undefined;
  let protColumns: string[] = [];
  let current: Map<string, Record<string, number>> | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const where = `${what} line ${i + 1}`;
    if (!line || line.startsWith('IP Virtual Server')) return;
    const tokens = line.split(/\s+/);
    if (tokens[0] === 'Prot') {
      // --stats and --rate name their columns here; the plain listing names them on the "->" header line.
      protColumns = tokens.slice(2);
      return;
    }
    if (tokens[0] === '->') {
      if (tokens[1] === 'RemoteAddress:Port') {
        columns = tokens.length > 2 ? tokens.slice(2) : protColumns;
        return;
      }
      if (!current || !columns) throw new IpvsParseError(where, 'destination line before its service or header');
      const dest = splitHostPort(tokens[1] ?? '', where);
      const values = tokens.slice(2).filter((t) => /^\d+$/.test(t) || /^\d+[KMG]$/.test(t));
      const numeric = columns.filter((c) => c !== 'Forward');
      if (values.length !== numeric.length) throw new IpvsParseError(where, `expected ${numeric.length} numbers (${numeric.join(', ')}), got ${values.length} (use --exact)`);
      const rec: Record<string, number> = {};
      numeric.forEach((c, k) => {
        const v = values[k] ?? '';
        if (!/^\d+$/.test(v)) throw new IpvsParseError(where, `${c} is abbreviated (${v}): read with --exact`);
        rec[c] = Number(v);
      });
      current.set(destIdOf(dest), rec);
      return;
    }
    const protocol = PROTO[tokens[0] ?? ''];
    if (!protocol) throw new IpvsParseError(where, `unexpected line: ${line.slice(0, 80)}`);
    const id =
      protocol === 'fwm'
        ? serviceIdOf({ protocol, fwmark: Number(tokens[1]) })
        : (() => {
            const hp = splitHostPort(tokens[1] ?? '', where);
            return serviceIdOf({ protocol, address: hp.address, port: hp.port });
          })();
    current = new Map();
    out.set(id, current);
  });
  return out;
}
