// The base of every error lvs-feedback raises on purpose, and the errors of config loading and the wire protocol.
// Each side (agent/errors.ts, director/errors.ts) lists its own codes; bin/error-catalogue.ts joins them for docs/errors.md.

/** Codes of shared/ and of the protocol (they cross the wire in error frames), each with a one-line meaning. */
export const SHARED_ERROR_CODES = {
  CONFIG_UNREADABLE: 'The config file could not be read or is not valid YAML.',
  CONFIG_INVALID: 'A config key has a bad value or is unknown; the message names the key.',
  DURATION_INVALID: 'A duration is not a number of seconds or a string like "500ms", "2s", "1m".',
  MSG_TOO_LARGE: 'A protocol message is larger than the size limit.',
  MSG_MALFORMED: 'A protocol message is not a JSON object.',
  MSG_INVALID: 'A protocol message does not match its schema (field, type, range, name or count).',
  PROTOCOL_VERSION: 'The peer speaks a protocol version this side does not support.',
  AUTH_FAILED: 'The agent id and token do not match a configured agent.',
  AGENT_UNKNOWN: 'The agent id is not configured on this director.',
  AGENT_DUPLICATE: 'Another connection already speaks for this agent id.',
  HELLO_EXPECTED: 'The first message on a connection must be hello.',
} as const;

export type SharedErrorCode = keyof typeof SHARED_ERROR_CODES;

/** Base of every deliberate error: a stable `code` and optional structured details for logs. */
export abstract class LvsfError extends Error {
  /** Each subclass fixes its code here, so the code can be checked without building an instance. */
  static readonly code: string;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    // The subclass's static code: new.target is typed as the abstract base, which declares it.
    this.code = (new.target as typeof LvsfError).code;
    this.details = details;
    this.name = new.target.name;
  }

  /** The shape logged and sent on the wire. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** The message of anything thrown (an Error's message, or the value itself as text). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Turns anything thrown into a short message for a log line. */
export function describeError(err: unknown): string {
  if (err instanceof LvsfError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export class ConfigUnreadableError extends LvsfError {
  static override readonly code: SharedErrorCode = 'CONFIG_UNREADABLE';
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, { file }, options);
  }
}

export class ConfigInvalidError extends LvsfError {
  static override readonly code: SharedErrorCode = 'CONFIG_INVALID';
  readonly key: string;
  constructor(file: string, key: string, reason: string) {
    super(`${file}: ${key || '(top level)'}: ${reason}`, { file, key });
    this.key = key;
  }
}

export class DurationInvalidError extends LvsfError {
  static override readonly code: SharedErrorCode = 'DURATION_INVALID';
  constructor(value: unknown) {
    super(`not a duration: ${JSON.stringify(value)} (use seconds, or "500ms", "2s", "1m")`);
  }
}

export class MessageTooLargeError extends LvsfError {
  static override readonly code: SharedErrorCode = 'MSG_TOO_LARGE';
  constructor(bytes: number, limit: number) {
    super(`message of ${bytes} bytes exceeds the limit of ${limit}`, { bytes, limit });
  }
}

export class MessageMalformedError extends LvsfError {
  static override readonly code: SharedErrorCode = 'MSG_MALFORMED';
  constructor(reason: string) {
    super(`message is not a JSON object: ${reason}`);
  }
}

export class MessageInvalidError extends LvsfError {
  static override readonly code: SharedErrorCode = 'MSG_INVALID';
  constructor(reason: string) {
    super(`invalid message: ${reason}`);
  }
}

export class ProtocolVersionError extends LvsfError {
  static override readonly code: SharedErrorCode = 'PROTOCOL_VERSION';
  constructor(got: unknown, supported: readonly number[]) {
    super(`protocol version ${JSON.stringify(got)} is not supported (this side speaks ${supported.join(', ')})`, {
      got,
    });
  }
}

export class AuthFailedError extends LvsfError {
  static override readonly code: SharedErrorCode = 'AUTH_FAILED';
  constructor(agentId: string) {
    super(`token rejected for agent ${JSON.stringify(agentId)}`, { agentId });
  }
}

export class AgentUnknownError extends LvsfError {
  static override readonly code: SharedErrorCode = 'AGENT_UNKNOWN';
  constructor(agentId: string) {
    super(`agent ${JSON.stringify(agentId)} is not configured on this director`, { agentId });
  }
}

export class AgentDuplicateError extends LvsfError {
  static override readonly code: SharedErrorCode = 'AGENT_DUPLICATE';
  constructor(agentId: string) {
    super(`agent ${JSON.stringify(agentId)} is already connected`, { agentId });
  }
}

export class HelloExpectedError extends LvsfError {
  static override readonly code: SharedErrorCode = 'HELLO_EXPECTED';
  constructor(got: string) {
    super(`expected hello as the first message, got ${JSON.stringify(got)}`);
  }
}
