// Renders table edits as ipvsadm -R lines. Every edit restates method, weight and both thresholds: -e resets the rest.
import { hostPort, METHOD_FLAG, serviceArgs, type Dest, type Service } from './model.js';

type ServiceRef = Pick<Service, 'protocol' | 'address' | 'port' | 'fwmark'>;
type DestFields = Pick<Dest, 'address' | 'port' | 'method' | 'weight' | 'upper' | 'lower'>;

function destArgs(d: DestFields): string[] {
  return ['-r', hostPort(d.address, d.port), METHOD_FLAG[d.method], '-w', String(d.weight), '-x', String(d.upper), '-y', String(d.lower)];
}

/** `-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 80 -x 0 -y 0`. */
export function editLine(s: ServiceRef, d: DestFields): string {
  return ['-e', ...serviceArgs(s), ...destArgs(d)].join(' ');
}

export function addDestLine(s: ServiceRef, d: DestFields): string {
  return ['-a', ...serviceArgs(s), ...destArgs(d)].join(' ');
}

export function deleteDestLine(s: ServiceRef, d: Pick<Dest, 'address' | 'port'>): string {
  return ['-d', ...serviceArgs(s), '-r', hostPort(d.address, d.port)].join(' ');
}

export function addServiceLine(s: ServiceRef, scheduler: string): string {
  return ['-A', ...serviceArgs(s), '-s', scheduler].join(' ');
}
