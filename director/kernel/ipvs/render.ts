// Renders table edits as ipvsadm -R lines. Every edit restates method, weight and both thresholds: -e resets the rest.
import type { Dest } from './model.js';
import { destIdOf, METHOD_FLAG, serviceArgs, type DestRef, type ServiceRef } from './names.js';

type DestFields = Pick<Dest, 'address' | 'port' | 'method' | 'weight' | 'upper' | 'lower'>;

function destArgs(d: DestFields): string[] {
  return ['-r', destIdOf(d), METHOD_FLAG[d.method], '-w', String(d.weight), '-x', String(d.upper), '-y', String(d.lower)];
}

/** `-e -t 10.0.0.1:80 -r 10.0.1.11:80 -m -w 80 -x 0 -y 0`. */
export function editLine(s: ServiceRef, d: DestFields): string {
  return ['-e', ...serviceArgs(s), ...destArgs(d)].join(' ');
}

export function addDestLine(s: ServiceRef, d: DestFields): string {
  return ['-a', ...serviceArgs(s), ...destArgs(d)].join(' ');
}

export function deleteDestLine(s: ServiceRef, d: DestRef): string {
  return ['-d', ...serviceArgs(s), '-r', destIdOf(d)].join(' ');
}

export function addServiceLine(s: ServiceRef, scheduler: string): string {
  return ['-A', ...serviceArgs(s), '-s', scheduler].join(' ');
}
