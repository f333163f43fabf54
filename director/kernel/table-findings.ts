// Every warning about a controlled service's settings in the kernel's table, for --check, the log and status alike.
import type { ServiceSettings } from '../core/core-config.js';
import type { IpvsTable } from './ipvs/model.js';
import { onePacketFindings, type OnePacketFinding } from './one-packet-check.js';
import { persistenceFindings, type PersistenceFinding } from './persistence-check.js';
import type { SysctlReading } from './sysctl.js';

/** A warning about a service's settings in the kernel. */
export type TableFinding = PersistenceFinding | OnePacketFinding;

/** Persistence that keeps quiesced clients, then -o under a connection-counting scheduler; `template` read only when needed. */
export function tableFindings(services: readonly ServiceSettings[], table: IpvsTable, template: () => SysctlReading): TableFinding[] {
  return [...persistenceFindings(services, table, template), ...onePacketFindings(services, table)];
}
