// The director's errors: weight expressions, the status endpoint and the IPVS table. Codes listed in docs/errors.md.
import { LvsfError } from '../shared/errors.js';

/** The director's codes, each with a one-line meaning. */
export const DIRECTOR_ERROR_CODES = {
  EXPRESSION_INVALID: 'A weight expression does not parse, or names an unknown variable or function.',
  STATUS_UNREACHABLE: 'lvs-feedback status could not reach the director’s status endpoint.',
  IPVS_PARSE: 'The output of ipvsadm does not have the expected format.',
  IPVS_COMMAND: 'ipvsadm could not be run, timed out, or failed.',
  IPVS_APPLY: 'Some changes did not reach the kernel table after retries.',
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
