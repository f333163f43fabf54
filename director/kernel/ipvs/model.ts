// The kernel's IPVS table as plain data: virtual services and their destinations. No policy, no agents.
import type { DestFigures, DestRef, Method, ServiceRef } from './names.js';

export interface Dest extends DestRef, DestFigures {
  readonly method: Method;
}

export type Service = ServiceRef & {
  /** serviceIdOf(this): `tcp:10.0.0.1:80`, `fwm:5`. */
  readonly id: string;
  readonly scheduler: string;
  /** Other service options exactly as ipvsadm prints them (-p 300, -M 255.255.255.0, -b …, -6). */
  readonly options: readonly string[];
  /** Destination id (destIdOf) → destination, in table order. */
  readonly dests: ReadonlyMap<string, Dest>;
};

export interface IpvsTable {
  readonly services: ReadonlyMap<string, Service>;
}

export function emptyTable(): IpvsTable {
  return { services: new Map() };
}
