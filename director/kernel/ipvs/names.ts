// The IPVS vocabulary, owned here once: forwarding methods, virtual service references and ids, destination ids.
import { isIP } from 'node:net';

/** Forwarding methods as ipvsadm spells them in words: masquerading (NAT), gatewaying (direct routing), IP-IP tunnel. */
export const METHODS = ['masq', 'route', 'tunnel'] as const;
export type Method = (typeof METHODS)[number];

export const METHOD_FLAG: Readonly<Record<Method, string>> = { masq: '-m', route: '-g', tunnel: '-i' };

export type AddressProtocol = 'tcp' | 'udp' | 'sctp';
export type ServiceProtocol = AddressProtocol | 'fwm';

/** A virtual service as the kernel knows it: an address, port and protocol, or a firewall mark. */
export type ServiceRef =
  | { readonly protocol: AddressProtocol; readonly address: string; readonly port: number }
  | { readonly protocol: 'fwm'; readonly fwmark: number };

/** A destination's place within a service. */
export interface DestRef {
  readonly address: string;
  readonly port: number;
}

/** What the kernel holds for a destination besides its place and method: weight, thresholds, counters when read. */
export interface DestFigures {
  readonly weight: number;
  /** Upper and lower connection thresholds (-x, -y); 0 = none. */
  readonly upper: number;
  readonly lower: number;
  /** Counters, present when the table was read with them. */
  readonly activeConns?: number;
  readonly inactiveConns?: number;
  /** New connections per second (the kernel's rate estimator, `-Ln --rate`): an integer EWMA, ¼ per 2 s. */
  readonly cps?: number;
  /**
   * Connections scheduled to the destination since it was added (`-Ln --stats`, column Conns), a cumulative counter
   * that restarts at 0 when the destination or its service is added again.
   */
  readonly conns?: number;
}

/** ipvsadm's options that name a forwarding method, short and long. */
export const METHOD_OF_FLAG: Readonly<Record<string, Method>> = { '-m': 'masq', '--masquerading': 'masq', '-g': 'route', '--gatewaying': 'route', '-i': 'tunnel', '--ipip': 'tunnel' };

/** ipvsadm's options that name a service's kind, short and long. */
export const PROTOCOL_OF_FLAG: Readonly<Record<string, ServiceProtocol>> = { '-t': 'tcp', '--tcp-service': 'tcp', '-u': 'udp', '--udp-service': 'udp', '--sctp-service': 'sctp', '-f': 'fwm', '--fwmark-service': 'fwm' };

/**
 * How often the kernel's estimator runs for each service and destination (net/netfilter/ipvs/ip_vs_est.c). Each run
 * sums the per-CPU counters into the ones ipvsadm shows (Conns and the others of `-Ln --stats`) and updates the rate
 * estimate (`--rate`): between two runs the Conns that ipvsadm reads does not move, whatever the traffic.
 */
export const IPVS_ESTIMATOR_PERIOD_MS = 2_000;

/** What ipvsadm gives a service added without -s, and a destination added without a method. */
export const IPVSADM_DEFAULT_SCHEDULER = 'wlc';
export const IPVSADM_DEFAULT_METHOD: Method = 'route';

const PROTOCOL_FLAG: Readonly<Record<AddressProtocol, string>> = { tcp: '-t', udp: '-u', sctp: '--sctp-service' };

/** `10.0.1.11:80`, `[2001:db8::11]:80`: a destination's id within its service, as ipvsadm prints it. */
export function destIdOf(d: DestRef): string {
  return `${isIP(d.address) === 6 ? `[${d.address}]` : d.address}:${d.port}`;
}

/** `tcp:10.0.0.1:80`, `udp:[2001:db8::1]:53`, `fwm:5`: a service's id, the key of the table and of the config. */
export function serviceIdOf(s: ServiceRef): string {
  return s.protocol === 'fwm' ? `fwm:${s.fwmark}` : `${s.protocol}:${destIdOf(s)}`;
}

/** The service part of an ipvsadm command line: `-t 10.0.0.1:80`, `-f 5`. */
export function serviceArgs(s: ServiceRef): string[] {
  return s.protocol === 'fwm' ? ['-f', String(s.fwmark)] : [PROTOCOL_FLAG[s.protocol], destIdOf(s)];
}

/** Just the reference of a service record that carries more (its id, scheduler, destinations). */
export function serviceRefOf(s: ServiceRef): ServiceRef {
  return s.protocol === 'fwm' ? { protocol: 'fwm', fwmark: s.fwmark } : { protocol: s.protocol, address: s.address, port: s.port };
}
