// Which controlled services are persistent in the kernel and may leave a server at weight 0 that its clients still reach.
import type { ServiceSettings } from '../core/core-config.js';
import { QuiescePersistentWarning, type DirectorErrorCode } from '../errors.js';
import type { IpvsTable, Service } from './ipvs/model.js';
import { EXPIRE_QUIESCENT_TEMPLATE, type SysctlReading } from './sysctl.js';

/** A service's persistence timeout in seconds, from its options as ipvsadm prints them (`-p 60`); undefined when none. */
export function persistenceOf(svc: Service): number | undefined {
  const at = svc.options.findIndex((o) => o === '-p' || o === '--persistent');
  if (at < 0) return undefined;
  const timeout = Number(svc.options[at + 1]);
  // ipvsadm -S always prints the timeout after -p; a bare -p would mean ipvsadm's default of 300 s.
  return Number.isInteger(timeout) && timeout > 0 ? timeout : 300;
}

/** Why the director may itself set one of this service's real servers to weight 0 (empty when it never does). */
export function quiescePaths(svc: ServiceSettings): string[] {
  const paths: string[] = [];
  if (svc.realServers.some((rs) => rs.minWeight === 0)) paths.push('minWeight 0');
  if (svc.stalePolicy === 'quiesce') paths.push('stalePolicy quiesce');
  if (svc.sorryServers.length > 0) paths.push('the sorry-server fallback');
  return paths;
}

/** What, besides the sysctl, takes the director's own weight-0 paths away (the sorry-server fallback has no such key). */
function alternatives(svc: ServiceSettings): string[] {
  const out: string[] = [];
  if (svc.realServers.some((rs) => rs.minWeight === 0)) out.push('set minWeight ≥ 1');
  if (svc.stalePolicy === 'quiesce') out.push('use stalePolicy configured or hold');
  return out;
}

export interface PersistenceFinding {
  readonly code: Extract<DirectorErrorCode, 'QUIESCE_PERSISTENT' | 'SYSCTL_ACCESS'>;
  /** The service's name in the config, and its id in the kernel. */
  readonly service: string;
  readonly serviceId: string;
  readonly timeoutS: number;
  /** One line: the service, what happens, and the fix. */
  readonly message: string;
}

/**
 * The services the director controls that are persistent in `table` and have a real server at weight 0 now, or may
 * get one from the director, while the kernel keeps sending a weight-0 server its persistent clients
 * (expire_quiescent_template 0), or while that cannot be told. `template` is read only when some service needs it.
 */
export function persistenceFindings(services: readonly ServiceSettings[], table: IpvsTable, template: () => SysctlReading): PersistenceFinding[] {
  const findings: PersistenceFinding[] = [];
  let reading: SysctlReading | undefined;
  for (const svc of services) {
    const live = table.services.get(svc.serviceId);
    const timeoutS = live === undefined ? undefined : persistenceOf(live);
    if (live === undefined || timeoutS === undefined) continue;
    const zeroNow = svc.realServers.filter((rs) => live.dests.get(rs.id)?.weight === 0).map((rs) => rs.id);
    const paths = quiescePaths(svc);
    if (zeroNow.length === 0 && paths.length === 0) continue;
    reading ??= template();
    const what = `${svc.name} (${svc.serviceId}) is persistent (-p ${timeoutS})`;
    const why = [zeroNow.length > 0 ? `${zeroNow.join(', ')} at weight 0 now` : '', paths.length > 0 ? `the director may set weight 0: ${paths.join(', ')}` : ''].filter(Boolean).join('; ');
    const base = { service: svc.name, serviceId: svc.serviceId, timeoutS };
    if ('error' in reading) {
      findings.push({
        ...base,
        code: 'SYSCTL_ACCESS',
        message: `${what} (${why}), but ${reading.error.message}: cannot tell whether a weight-0 server keeps getting its persistent clients for up to ${timeoutS}s; check sysctl ${EXPIRE_QUIESCENT_TEMPLATE} (1 drains them)`,
      });
      continue;
    }
    if (reading.value !== 0) continue;
    // Taking the director's zeros away needs every one of its paths closed, hence "and".
    const others = alternatives(svc);
    const fix = `sysctl -w ${EXPIRE_QUIESCENT_TEMPLATE}=1 (or ipvs.expireQuiescentTemplate: true)${others.length > 0 ? `, or ${others.join(' and ')}` : ''}`;
    const warning = new QuiescePersistentWarning(
      svc.name,
      svc.serviceId,
      `${what} and ${EXPIRE_QUIESCENT_TEMPLATE} is 0${reading.source ? ` (${reading.source})` : ''}: a weight-0 server keeps getting its persistent clients for up to ${timeoutS}s after each one's last connection (${why}); fix: ${fix}`,
    );
    findings.push({ ...base, code: 'QUIESCE_PERSISTENT', message: warning.message });
  }
  return findings;
}
