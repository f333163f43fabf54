// The error catalogue: every error lvs-feedback raises on purpose, each a class with a stable code (see docs/errors.md).

/** Stable codes with a one-line meaning; docs/errors.md must list exactly these (a test keeps them in sync). */
export const ERROR_CODES = {
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
  DIRECTOR_REFUSED: 'A director answered with an error and closed the connection.',
  PROC_UNREADABLE: 'A file under the proc root could not be read.',
  PROC_PARSE: 'A file under the proc root does not have the expected format.',
  COLLECTOR_FAILED: 'A built-in collector failed; its metrics are absent from this sample.',
  PLUGIN_LOAD: 'A plugin could not be loaded (missing file, not a plugin module, not executable).',
  PLUGIN_TIMEOUT: 'A plugin did not finish within its timeout; an executable is killed with its process group.',
  PLUGIN_EXIT: 'An executable plugin exited with a non-zero status or was killed by a signal.',
  PLUGIN_OUTPUT: 'A plugin returned or printed something that is not a number, key/value lines or a JSON object of numbers.',
  PLUGIN_THREW: 'A module plugin threw or rejected.',
  PLUGIN_BUSY: 'A plugin was still running from its previous run, so this run was skipped.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base of every deliberate error: a stable `code` and optional structured details for logs. */
export class LvsfError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.name = new.target.name;
  }

  /** The shape logged and sent on the wire. */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export class ConfigUnreadableError extends LvsfError {
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super('CONFIG_UNREADABLE', `${file}: ${reason}`, { file }, options);
  }
}

export class ConfigInvalidError extends LvsfError {
  readonly key: string;
  constructor(file: string, key: string, reason: string) {
    super('CONFIG_INVALID', `${file}: ${key || '(top level)'}: ${reason}`, { file, key });
    this.key = key;
  }
}

export class DurationInvalidError extends LvsfError {
  constructor(value: unknown) {
    super('DURATION_INVALID', `not a duration: ${JSON.stringify(value)} (use seconds, or "500ms", "2s", "1m")`);
  }
}

export class MessageTooLargeError extends LvsfError {
  constructor(bytes: number, limit: number) {
    super('MSG_TOO_LARGE', `message of ${bytes} bytes exceeds the limit of ${limit}`, { bytes, limit });
  }
}

export class MessageMalformedError extends LvsfError {
  constructor(reason: string) {
    super('MSG_MALFORMED', `message is not a JSON object: ${reason}`);
  }
}

export class MessageInvalidError extends LvsfError {
  constructor(reason: string) {
    super('MSG_INVALID', `invalid message: ${reason}`);
  }
}

export class ProtocolVersionError extends LvsfError {
  constructor(got: unknown, supported: readonly number[]) {
    super('PROTOCOL_VERSION', `protocol version ${JSON.stringify(got)} is not supported (this side speaks ${supported.join(', ')})`, {
      got,
    });
  }
}

export class AuthFailedError extends LvsfError {
  constructor(agentId: string) {
    super('AUTH_FAILED', `token rejected for agent ${JSON.stringify(agentId)}`, { agentId });
  }
}

export class AgentUnknownError extends LvsfError {
  constructor(agentId: string) {
    super('AGENT_UNKNOWN', `agent ${JSON.stringify(agentId)} is not configured on this director`, { agentId });
  }
}

export class AgentDuplicateError extends LvsfError {
  constructor(agentId: string) {
    super('AGENT_DUPLICATE', `agent ${JSON.stringify(agentId)} is already connected`, { agentId });
  }
}

export class HelloExpectedError extends LvsfError {
  constructor(got: string) {
    super('HELLO_EXPECTED', `expected hello as the first message, got ${JSON.stringify(got)}`);
  }
}

export class DirectorRefusedError extends LvsfError {
  readonly remoteCode: string;
  constructor(url: string, remoteCode: string, remoteMessage: string) {
    super('DIRECTOR_REFUSED', `${url} refused us: ${remoteCode}: ${remoteMessage}`, { url, remoteCode });
    this.remoteCode = remoteCode;
  }
}

export class ProcUnreadableError extends LvsfError {
  constructor(file: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? options.cause.message : 'unreadable';
    super('PROC_UNREADABLE', `${file}: ${reason}`, { file }, options);
  }
}

export class ProcParseError extends LvsfError {
  constructor(file: string, reason: string) {
    super('PROC_PARSE', `${file}: ${reason}`, { file });
  }
}

export class CollectorFailedError extends LvsfError {
  constructor(collector: string, reason: string, options?: { cause?: unknown }) {
    super('COLLECTOR_FAILED', `collector ${collector}: ${reason}`, { collector }, options);
  }
}

export class PluginLoadError extends LvsfError {
  constructor(plugin: string, reason: string, options?: { cause?: unknown }) {
    super('PLUGIN_LOAD', `plugin ${plugin}: cannot load: ${reason}`, { plugin }, options);
  }
}

export class PluginTimeoutError extends LvsfError {
  constructor(plugin: string, timeoutMs: number) {
    super('PLUGIN_TIMEOUT', `plugin ${plugin}: no result within ${timeoutMs} ms`, { plugin, timeoutMs });
  }
}

export class PluginExitError extends LvsfError {
  constructor(plugin: string, how: string, stderr: string) {
    super('PLUGIN_EXIT', `plugin ${plugin}: ${how}${stderr ? `: ${stderr}` : ''}`, { plugin });
  }
}

export class PluginOutputError extends LvsfError {
  constructor(plugin: string, reason: string) {
    super('PLUGIN_OUTPUT', `plugin ${plugin}: bad output: ${reason}`, { plugin });
  }
}

export class PluginThrewError extends LvsfError {
  constructor(plugin: string, cause: unknown) {
    super('PLUGIN_THREW', `plugin ${plugin}: ${cause instanceof Error ? cause.message : String(cause)}`, { plugin }, { cause });
  }
}

export class PluginBusyError extends LvsfError {
  constructor(plugin: string) {
    super('PLUGIN_BUSY', `plugin ${plugin}: previous run still in progress, run skipped`, { plugin });
  }
}

/** Turns anything thrown into a short message for a log line. */
export function describeError(err: unknown): string {
  if (err instanceof LvsfError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
