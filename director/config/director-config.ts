// The director's settings as the running director uses them: the config file validated, defaulted and compiled.
import type { LOG_LEVELS } from '../../shared/logging.js';
import type { CoreSettings } from '../core/core-config.js';

export interface DirectorConfig {
  readonly id: string;
  /** The agents' port; connections beyond `maxConnections`, or `maxConnectionsPerAddress` from one address, are refused. */
  readonly listen: { readonly host: string; readonly port: number; readonly maxConnections: number; readonly maxConnectionsPerAddress: number };
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** `stuckAfter`: no decision for this long makes status and /healthz say the controller is stuck. */
  readonly status: { readonly host: string; readonly port: number; readonly enabled: boolean; readonly stuckAfter: number };
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly reportIntervalMs: number;
  readonly controlIntervalMs: number;
  readonly dryRun: boolean;
  readonly ipvsadm: string;
  /** Kernel settings of IPVS written at start; null leaves the setting as it is. */
  /** `timeout`: the time one ipvsadm run may take; at it, its whole process group is killed. */
  readonly ipvs: { readonly expireQuiescentTemplate: boolean | null; readonly timeout: number };
  /** Where the kernel's /proc is: the sysctls are read and written under it. */
  readonly procRoot: string;
  readonly onExit: 'leave' | 'restore';
  /** Agent id → token. */
  readonly tokens: ReadonlyMap<string, string>;
  /** Services the director may create when the kernel lacks them: service id → scheduler. */
  readonly createServices: ReadonlyMap<string, string>;
  readonly core: CoreSettings;
  /** Where the config came from (the file, or a name for config given as data). */
  readonly source: string;
}
