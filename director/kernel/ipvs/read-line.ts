// Reads one ipvsadm -R line the way ipvsadm 1.31 does (measured on a real kernel): which service and destination it
// names, with the ports ipvsadm fills in or forces, and the syntax errors at which ipvsadm -R stops.
import { readHostPort } from './host-port.js';
import type { Dest } from './model.js';
import { IPVSADM_DEFAULT_METHOD, IPVSADM_DEFAULT_SCHEDULER, METHOD_OF_FLAG, PROTOCOL_OF_FLAG, type DestRef, type Method, type ServiceRef } from './names.js';

export type RestoreLine =
  | { readonly command: '-A'; readonly service: ServiceRef; readonly scheduler: string; readonly options: readonly string[] }
  | { readonly command: '-a' | '-e'; readonly service: ServiceRef; readonly dest: Pick<Dest, 'address' | 'port' | 'method' | 'weight' | 'upper' | 'lower'> }
  | { readonly command: '-d'; readonly service: ServiceRef; readonly dest: DestRef };

export type ReadResult =
  | { readonly ok: true; readonly line: RestoreLine }
  /** `stops`: ipvsadm exits here, so -R runs none of the lines after it. `reason`: what ipvsadm prints. */
  | { readonly ok: false; readonly stops: boolean; readonly reason: string };

/** ipvsadm reads -w, -x and -y as whole numbers from 0 to INT_MAX; the kernel takes any weight in that range. */
const NUMBERS: Readonly<Record<string, { field: 'weight' | 'upper' | 'lower'; name: string }>> = {
  '-w': { field: 'weight', name: 'weight' },
  '--weight': { field: 'weight', name: 'weight' },
  '-x': { field: 'upper', name: 'u_threshold' },
  '--u-threshold': { field: 'upper', name: 'u_threshold' },
  '-y': { field: 'lower', name: 'l_threshold' },
  '--l-threshold': { field: 'lower', name: 'l_threshold' },
};
const INT_MAX = 2 ** 31 - 1;

const stop = (reason: string): ReadResult => ({ ok: false, stops: true, reason });
const COMMAND_NAMES: Readonly<Record<string, string>> = { '-A': 'add-service', '-a': 'add-server', '-e': 'edit-server', '-d': 'delete-server' };
const missing = (option: string, command: string) => stop(`You need to supply the '${option}' option for the '${COMMAND_NAMES[command]}' command`);

export function readRestoreLine(text: string): ReadResult {
  const [command, flag, value, ...rest] = text.trim().split(/\s+/);
  if (command !== '-A' && command !== '-a' && command !== '-e' && command !== '-d') return { ok: false, stops: false, reason: `${command}: not a command this table applies` };
  const protocol = PROTOCOL_OF_FLAG[flag ?? ''];
  if (!protocol || value === undefined) return missing('service-address', command);
  let service: ServiceRef;
  if (protocol === 'fwm') {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 2 ** 32 - 1) return stop(`invalid fwmark value \`${value}' specified`);
    service = { protocol, fwmark: Number(value) };
  } else {
    const hp = readHostPort(value);
    if (!hp || hp.port === undefined) return stop('illegal virtual server address[:port] specified');
    service = { protocol, address: hp.address, port: hp.port };
  }
  if (command === '-A') {
    let scheduler = IPVSADM_DEFAULT_SCHEDULER;
    const options: string[] = [];
    for (let k = 0; k < rest.length; k++) {
      const t = rest[k] ?? '';
      if (t === '-s' || t === '--scheduler') scheduler = rest[++k] ?? scheduler;
      else options.push(t);
    }
    return { ok: true, line: { command, service, scheduler, options } };
  }
  let real: { address: string; port: number | undefined } | undefined;
  let method: Method = IPVSADM_DEFAULT_METHOD;
  const numbers = { weight: 1, upper: 0, lower: 0 };
  for (let k = 0; k < rest.length; k++) {
    const t = rest[k] ?? '';
    const number = NUMBERS[t];
    if (t === '-r' || t === '--real-server') {
      real = readHostPort(rest[++k] ?? '');
      if (!real) return stop('illegal real server address[:port] specified');
    } else if (METHOD_OF_FLAG[t] !== undefined) method = METHOD_OF_FLAG[t] ?? method;
    else if (number) {
      const v = rest[++k] ?? '';
      if (!/^\d+$/.test(v) || Number(v) > INT_MAX) return stop(`illegal ${number.name} specified`);
      numbers[number.field] = Number(v);
    } else if (t === '--tun-type' || t === '--tun-port') k++; // tunnel encapsulation: not part of this model
  }
  if (!real) return missing('real-server', command);
  const servicePort = service.protocol === 'fwm' ? 0 : service.port;
  // A real server without a port takes the service's; route and tunnel cannot change the port, so ipvsadm forces it.
  const port = real.port === undefined || (command !== '-d' && service.protocol !== 'fwm' && method !== 'masq') ? servicePort : real.port;
  if (command === '-d') return { ok: true, line: { command, service, dest: { address: real.address, port } } };
  return { ok: true, line: { command, service, dest: { address: real.address, port, method, ...numbers } } };
}
