// The director's errors and warnings: expressions, the status endpoint, the IPVS table, its sysctls. Codes in docs/errors.md.
import { LvsfError } from '../shared/errors.js';

/** The director's codes, each with a one-line meaning. */
export const DIRECTOR_ERROR_CODES = {
  EXPRESSION_INVALID: 'A weight expression does not parse, or names an unknown variable or function.',
  STATUS_UNREACHABLE: 'lvs-feedback status could not reach the director’s status endpoint.',
  IPVS_PARSE: 'The output of ipvsadm does not have the expected format.',
  IPVS_COMMAND: 'ipvsadm could not be run, timed out, or failed.',
  IPVS_APPLY: 'Some changes did not reach the kernel table after retries.',
  QUIESCE_PERSISTENT: 'A weight-0 server of a persistent service keeps getting its persistent clients: net.ipv4.vs.expire_quiescent_template is 0.',
  ONE_PACKET_SCHEDULER: 'A one-packet (-o) UDP service has a scheduler that counts connections: every datagram finds every server idle and most go to one server.',
  SYSCTL_ACCESS: 'A kernel setting under the proc root could not be read or written.',
  STATUS_QUERY: 'A status request asks for something the status endpoint does not know (an unknown parameter or a bad value).',
} as const;

export type DirectorErrorCode = keyof typeof DIRECTOR_ERROR_CODES;

export class ExpressionInvalidError extends LvsfError {
  static override readonly code: DirectorErrorCode = 'EXPRESSION_INVALID';
  readonly key: string;
  constructor(key: string, source: string, reason: string) {
    super(`${key}: expression "${source}" ${reason}`, { key, source });
    this.key = key;
  }
}

export class StatusUnreachableError extends LvsfError {
  static override readonly code: DirectorErrorCode = 'STATUS_UNREACHABLE';
  constructor(url: string, reason: string) {
    super(`cannot reach ${url}: ${reason} (is the director running, with status enabled?)`, { url });
  }
}

export class StatusQueryError extends LvsfError {
  static override readonly code: DirectorErrorCode = 'STATUS_QUERY';
  constructor(reason: string) {
    super(`status query: ${reason}`);
  }
}

export class IpvsParseError extends LvsfError {
  static override readonly code: DirectorErrorCode = 'IPVS_PARSE';
  constructor(where: string, reason: string) {
    super(`${where}: ${reason}`, { where });
  }
}

export class IpvsCommandError extends LvsfError {
  static override readonly code: DirectorErrorCode = 'IPVS_COMMAND';
  constructor(command: string, reason: string, options?: { cause?: unknown }) {
    super(`${command}: ${reason}`, { command }, options);
  }
}

export class IpvsApplyError extends LvsfError {
  static override readonly code: DirectorErrorCode = 'IPVS_APPLY';
  constructor(lines: readonly string[], reason: string) {
    super(`${lines.length} change(s) did not land: ${reason}`, { lines });
  }
}

/** A warning, not a failure: the director runs on, and says it once in the log, in status and in --check. */
export class OnePacketSchedulerWarning extends LvsfError {
  static override readonly code: DirectorErrorCode = 'ONE_PACKET_SCHEDULER';
  constructor(service: string, serviceId: string, message: string) {
    super(message, { service, serviceId });
  }
}

/** A warning, not a failure: the director runs on, and says it once in the log, in status and in --check. */
export class QuiescePersistentWarning extends LvsfError {
  static override readonly code: DirectorErrorCode = 'QUIESCE_PERSISTENT';
  constructor(service: string, serviceId: string, message: string) {
    super(message, { service, serviceId });
  }
}

export class SysctlAccessError extends LvsfError {
  static override readonly code: DirectorErrorCode = 'SYSCTL_ACCESS';
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, { file }, options);
  }
}
