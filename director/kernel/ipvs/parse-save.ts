// Parses `ipvsadm -Sn` (the table as re-playable -A/-a commands) into the model: weights, methods, thresholds.
import { IpvsParseError } from '../../errors.js';
import { readHostPort } from './host-port.js';
import type { Dest, IpvsTable } from './model.js';
import { destIdOf, IPVSADM_DEFAULT_METHOD, IPVSADM_DEFAULT_SCHEDULER, METHOD_OF_FLAG, PROTOCOL_OF_FLAG, serviceIdOf, type Method, type ServiceRef } from './names.js';

/** "10.0.0.1:80" or "[2001:db8::1]:80" → address and port; the port is required here. */
export function splitHostPort(text: string, where: string): { address: string; port: number } {
  const hp = readHostPort(text);
  if (hp === undefined || hp.port === undefined) throw new IpvsParseError(where, `not an address:port: ${text}`);
  return { address: hp.address, port: hp.port };
}


type MutableService = ServiceRef & { id: string; scheduler: string; options: string[]; dests: Map<string, Dest> };

function readService(tokens: string[], where: string): { ref: ServiceRef; rest: string[] } {
  const flag = tokens[0] ?? '';
  const protocol = PROTOCOL_OF_FLAG[flag];
  const value = tokens[1];
  if (!protocol || value === undefined) throw new IpvsParseError(where, `expected a service (-t/-u/--sctp-service/-f), got ${flag}`);
  if (protocol === 'fwm') {
    const fwmark = Number(value);
    if (!Number.isInteger(fwmark) || fwmark < 1) throw new IpvsParseError(where, `not a firewall mark: ${value}`);
    return { ref: { protocol, fwmark }, rest: tokens.slice(2) };
  }
  return { ref: { protocol, ...splitHostPort(value, where) }, rest: tokens.slice(2) };
}

export function parseSave(text: string): IpvsTable {
  const services = new Map<string, MutableService>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const where = `ipvsadm -Sn line ${i + 1}`;
    const tokens = line.split(/\s+/);
    const cmd = tokens.shift();
    if (cmd === '-A') {
      const s = readService(tokens, where);
      let scheduler = IPVSADM_DEFAULT_SCHEDULER;
      const options: string[] = [];
      for (let k = 0; k < s.rest.length; k++) {
        const t = s.rest[k] ?? '';
        if (t === '-s' || t === '--scheduler') scheduler = s.rest[++k] ?? scheduler;
        else options.push(t);
      }
      const id = serviceIdOf(s.ref);
      services.set(id, { ...s.ref, id, scheduler, options, dests: new Map() });
      return;
    }
    if (cmd === '-a') {
      const s = readService(tokens, where);
      const svc = services.get(serviceIdOf(s.ref));
      if (!svc) throw new IpvsParseError(where, `destination of a service not declared before it: ${serviceIdOf(s.ref)}`);
      let dest: { address: string; port: number } | undefined;
      let method: Method = IPVSADM_DEFAULT_METHOD;
      let weight = 1;
      let upper = 0;
      let lower = 0;
      for (let k = 0; k < s.rest.length; k++) {
        const t = s.rest[k] ?? '';
        const num = (): number => {
          const v = Number(s.rest[++k]);
          if (!Number.isInteger(v) || v < 0) throw new IpvsParseError(where, `${t} needs a whole number`);
          return v;
        };
        if (t === '-r' || t === '--real-server') dest = splitHostPort(s.rest[++k] ?? '', where);
        else if (METHOD_OF_FLAG[t] !== undefined) method = METHOD_OF_FLAG[t] ?? method;
        else if (t === '-w' || t === '--weight') weight = num();
        else if (t === '-x' || t === '--u-threshold') upper = num();
        else if (t === '-y' || t === '--l-threshold') lower = num();
        else if (t.startsWith('--tun')) k++; // tunnel encapsulation options: not ours to change, kept by -e
      }
      if (!dest) throw new IpvsParseError(where, 'destination line without -r');
      svc.dests.set(destIdOf(dest), { address: dest.address, port: dest.port, method, weight, upper, lower });
      return;
    }
    throw new IpvsParseError(where, `unexpected command ${cmd}`);
  });
  return { services };
}
