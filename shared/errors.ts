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
  EXPRESSION_INVALID: 'A weight expression does not parse, or names an unknown variable or function.',
  STATUS_UNREACHABLE: 'lvs-feedback status could not reach the director’s status endpoint.',
  IPVS_PARSE: 'The output of ipvsadm does not have the expected format.',
  IPVS_COMMAND: 'ipvsadm could not be run, timed out, or failed.',
  IPVS_APPLY: 'Some changes did not reach the kernel table after retries.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base of every deliberate error: a stable `code` and optional structured details for logs. */
export abstract class LvsfError extends Error {
  /** Each subclass fixes its code here, so the code can be checked without building an instance. */
  static readonly code: ErrorCode;
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = (new.target as unknown as { code: ErrorCode }).code;
    this.details = details;
    this.name = new.target.name;
  }

  /** The shape logged and sent on the wire. */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export class ConfigUnreadableError extends LvsfError {
  static override readonly code = 'CONFIG_UNREADABLE';
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, { file }, options);
  }
}

export class ConfigInvalidError extends LvsfError {
  static override readonly code = 'CONFIG_INVALID';
  readonly key: string;
  constructor(file: string, key: string, reason: string) {
    super(`${file}: ${key || '(top level)'}: ${reason}`, { file, key });
    this.key = key;
  }
}

export class DurationInvalidError extends LvsfError {
  static override readonly code = 'DURATION_INVALID';
  constructor(value: unknown) {
    super(`not a duration: ${JSON.stringify(value)} (use seconds, or "500ms", "2s", "1m")`);
  }
}

export class MessageTooLargeError extends LvsfError {
  static override readonly code = 'MSG_TOO_LARGE';
  constructor(bytes: number, limit: number) {
    super(`message of ${bytes} bytes exceeds the limit of ${limit}`, { bytes, limit });
  }
}

export class MessageMalformedError extends LvsfError {
  static override readonly code = 'MSG_MALFORMED';
  constructor(reason: string) {
    super(`message is not a JSON object: ${reason}`);
  }
}

export class MessageInvalidError extends LvsfError {
  static override readonly code = 'MSG_INVALID';
  constructor(reason: string) {
    super(`invalid message: ${reason}`);
  }
}

export class ProtocolVersionError extends LvsfError {
  static override readonly code = 'PROTOCOL_VERSION';
  constructor(got: unknown, supported: readonly number[]) {
    super(`protocol version ${JSON.stringify(got)} is not supported (this side speaks ${supported.join(', ')})`, {
      got,
    });
  }
}

export class AuthFailedError extends LvsfError {
  static override readonly code = 'AUTH_FAILED';
  constructor(agentId: string) {
    super(`token rejected for agent ${JSON.stringify(agentId)}`, { agentId });
  }
}

export class AgentUnknownError extends LvsfError {
  static override readonly code = 'AGENT_UNKNOWN';
  constructor(agentId: string) {
    super(`agent ${JSON.stringify(agentId)} is not configured on this director`, { agentId });
  }
}

export class AgentDuplicateError extends LvsfError {
  static override readonly code = 'AGENT_DUPLICATE';
  constructor(agentId: string) {
    super(`agent ${JSON.stringify(agentId)} is already connected`, { agentId });
  }
}

export class HelloExpectedError extends LvsfError {
  static override readonly code = 'HELLO_EXPECTED';
  constructor(got: string) {
    super(`expected hello as the first message, got ${JSON.stringify(got)}`);
  }
}

export class DirectorRefusedError extends LvsfError {
  static override readonly code = 'DIRECTOR_REFUSED';
  readonly remoteCode: string;
  constructor(url: string, remoteCode: string, remoteMessage: string) {
    super(`${url} refused us: ${remoteCode}: ${remoteMessage}`, { url, remoteCode });
    this.remoteCode = remoteCode;
  }
}

export class ProcUnreadableError extends LvsfError {
  static override readonly code = 'PROC_UNREADABLE';
  constructor(file: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? options.cause.message : 'unreadable';
    super(`${file}: ${reason}`, { file }, options);
  }
}

export class ProcParseError extends LvsfError {
  static override readonly code = 'PROC_PARSE';
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`, { file });
  }
}

export class CollectorFailedError extends LvsfError {
  static override readonly code = 'COLLECTOR_FAILED';
  constructor(collector: string, reason: string, options?: { cause?: unknown }) {
    super(`collector ${collector}: ${reason}`, { collector }, options);
  }
}

export class PluginLoadError extends LvsfError {
  static override readonly code = 'PLUGIN_LOAD';
  constructor(plugin: string, reason: string, options?: { cause?: unknown }) {
    super(`plugin ${plugin}: cannot load: ${reason}`, { plugin }, options);
  }
}

export class PluginTimeoutError extends LvsfError {
  static override readonly code = 'PLUGIN_TIMEOUT';
  constructor(plugin: string, timeoutMs: number) {
    super(`plugin ${plugin}: no result within ${timeoutMs} ms`, { plugin, timeoutMs });
  }
}

export class PluginExitError extends LvsfError {
  static override readonly code = 'PLUGIN_EXIT';
  constructor(plugin: string, how: string, stderr: string) {
    super(`plugin ${plugin}: ${how}${stderr ? `: ${stderr}` : ''}`, { plugin });
  }
}

export class PluginOutputError extends LvsfError {
  static override readonly code = 'PLUGIN_OUTPUT';
  constructor(plugin: string, reason: string) {
    super(`plugin ${plugin}: bad output: ${reason}`, { plugin });
  }
}

export class PluginThrewError extends LvsfError {
  static override readonly code = 'PLUGIN_THREW';
  constructor(plugin: string, cause: unknown) {
    super(`plugin ${plugin}: ${cause instanceof Error ? cause.message : String(cause)}`, { plugin }, { cause });
  }
}

export class PluginBusyError extends LvsfError {
  static override readonly code = 'PLUGIN_BUSY';
  constructor(plugin: string) {
    super(`plugin ${plugin}: previous run still in progress, run skipped`, { plugin });
  }
}

/** Turns anything thrown into a short message for a log line. */
export function describeError(err: unknown): string {
  if (err instanceof LvsfError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export class ExpressionInvalidError extends LvsfError {
  static override readonly code = 'EXPRESSION_INVALID';
  readonly key: string;
  constructor(key: string, source: string, reason: string) {
    super(`${key}: expression "${source}" ${reason}`, { key, source });
    this.key = key;
  }
}

export class IpvsParseError extends LvsfError {
  static override readonly code = 'IPVS_PARSE';
  constructor(where: string, reason: string) {
    super(`${where}: ${reason}`, { where });
  }
}

export class IpvsCommandError extends LvsfError {
  static override readonly code = 'IPVS_COMMAND';
  constructor(command: string, reason: string, options?: { cause?: unknown }) {
    super(`${command}: ${reason}`, { command }, options);
  }
}

export class IpvsApplyError extends LvsfError {
  static override readonly code = 'IPVS_APPLY';
  constructor(lines: readonly string[], reason: string) {
    super(`${lines.length} change(s) did not land: ${reason}`, { lines });
  }
}

export class StatusUnreachableError extends LvsfError {
  static override readonly code = 'STATUS_UNREACHABLE';
  constructor(url: string, reason: string) {
    super(`cannot reach ${url}: ${reason} (is the director running, with status enabled?)`, { url });
  }
}
