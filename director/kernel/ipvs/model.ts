// The kernel's IPVS table as plain data: virtual services and their destinations. No policy, no agents.
import { isIP } from 'node:net';

export type Method = 'masq' | 'route' | 'tunnel';
export type ServiceProtocol = 'tcp' | 'udp' | 'sctp' | 'fwm';

export interface Dest {
  readonly address: string;
  readonly port: number;
  readonly method: Method;
  readonly weight: number;
  /** Upper and lower connection thresholds (-x, -y); 0 = none. */
  readonly upper: number;
  readonly lower: number;
  /** Counters, present when the table was read with them. */
  readonly activeConns?: number;
  readonly inactiveConns?: number;
  /** New connections per second (the kernel's rate estimator). */
  readonly cps?: number;
}

export interface Service {
  readonly id: string;
  readonly protocol: ServiceProtocol;
  readonly address?: string;
  readonly port?: number;
  readonly fwmark?: number;
  readonly scheduler: string;
  /** Other service options exactly as ipvsadm prints them (-p 300, -M 255.255.255.0, -b …, -6). */
  readonly options: readonly string[];
  /** Destination id (`addr:port`) → destination, in table order. */
  readonly dests: ReadonlyMap<string, Dest>;
}

export interface IpvsTable {
  readonly services: ReadonlyMap<string, Service>;
}

export const METHOD_FLAG: Readonly<Record<Method, string>> = { masq: '-m', route: '-g', tunnel: '-i' };

const PROTOCOL_FLAG: Readonly<Record<Exclude<ServiceProtocol, 'fwm'>, string>> = { tcp: '-t', udp: '-u', sctp: '--sctp-service' };

export function hostPort(address: string, port: number): string {
  return `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
}

/** `tcp:10.0.0.1:80`, `udp:[2001:db8::1]:53`, `fwm:5`: the same ids the director's config uses. */
export function serviceId(s: { protocol: ServiceProtocol; address?: string | undefined; port?: number | undefined; fwmark?: number | undefined }): string {
  return s.protocol === 'fwm' ? `fwm:${s.fwmark}` : `${s.protocol}:${hostPort(s.address!, s.port!)}`;
}

/** The service part of an ipvsadm command line: `-t 10.0.0.1:80`, `-f 5`. */
export function serviceArgs(s: Pick<Service, 'protocol' | 'address' | 'port' | 'fwmark'>): string[] {
  return s.protocol === 'fwm' ? ['-f', String(s.fwmark)] : [PROTOCOL_FLAG[s.protocol], hostPort(s.address!, s.port!)];
}

export function emptyTable(): IpvsTable {
  return { services: new Map() };
}
