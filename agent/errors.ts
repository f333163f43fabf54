// The agent's errors: reading /proc, collectors, plugins, and a director's refusal. Codes listed in docs/errors.md.
import { LvsfError } from '../shared/errors.js';

/** The agent's codes, each with a one-line meaning. */
export const AGENT_ERROR_CODES = {
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

export type AgentErrorCode = keyof typeof AGENT_ERROR_CODES;

export class DirectorRefusedError extends LvsfError {
  static override readonly code: AgentErrorCode = 'DIRECTOR_REFUSED';
  readonly remoteCode: string;
  constructor(url: string, remoteCode: string, remoteMessage: string) {
    super(`${url} refused us: ${remoteCode}: ${remoteMessage}`, { url, remoteCode });
    this.remoteCode = remoteCode;
  }
}

export class ProcUnreadableError extends LvsfError {
  static override readonly code: AgentErrorCode = 'PROC_UNREADABLE';
  constructor(file: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? options.cause.message : 'unreadable';
    super(`${file}: ${reason}`, { file }, options);
  }
}

export class ProcParseError extends LvsfError {
  static override readonly code: AgentErrorCode = 'PROC_PARSE';
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`, { file });
  }
}

export class CollectorFailedError extends LvsfError {
  static override readonly code: AgentErrorCode = 'COLLECTOR_FAILED';
  constructor(collector: string, reason: string, options?: { cause?: unknown }) {
    super(`collector ${collector}: ${reason}`, { collector }, options);
  }
}

export class PluginLoadError extends LvsfError {
  static override readonly code: AgentErrorCode = 'PLUGIN_LOAD';
  constructor(plugin: string, reason: string, options?: { cause?: unknown }) {
    super(`plugin ${plugin}: cannot load: ${reason}`, { plugin }, options);
  }
}

export class PluginTimeoutError extends LvsfError {
  static override readonly code: AgentErrorCode = 'PLUGIN_TIMEOUT';
  constructor(plugin: string, timeoutMs: number) {
    super(`plugin ${plugin}: no result within ${timeoutMs} ms`, { plugin, timeoutMs });
  }
}

export class PluginExitError extends LvsfError {
  static override readonly code: AgentErrorCode = 'PLUGIN_EXIT';
  constructor(plugin: string, how: string, stderr: string) {
    super(`plugin ${plugin}: ${how}${stderr ? `: ${stderr}` : ''}`, { plugin });
  }
}

export class PluginOutputError extends LvsfError {
  static override readonly code: AgentErrorCode = 'PLUGIN_OUTPUT';
  constructor(plugin: string, reason: string) {
    super(`plugin ${plugin}: bad output: ${reason}`, { plugin });
  }
}

export class PluginThrewError extends LvsfError {
  static override readonly code: AgentErrorCode = 'PLUGIN_THREW';
  constructor(plugin: string, cause: unknown) {
    super(`plugin ${plugin}: ${cause instanceof Error ? cause.message : String(cause)}`, { plugin }, { cause });
  }
}

export class PluginBusyError extends LvsfError {
  static override readonly code: AgentErrorCode = 'PLUGIN_BUSY';
  constructor(plugin: string) {
    super(`plugin ${plugin}: previous run still in progress, run skipped`, { plugin });
  }
}
