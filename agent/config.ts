// The agent's config file: its schema (every key and its default), loaded and validated once at start.
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { AGENT_DEFAULTS } from './defaults.js';
import { durationMsSchema } from '../shared/duration.js';
import { ConfigInvalidError, describeError } from '../shared/errors.js';
import { loadConfigFile, validateConfig } from '../shared/config-file.js';
import { deepFreeze } from '../shared/deep-freeze.js';
import { LOG_LEVELS } from '../shared/logging.js';
import { agentIdSchema } from '../shared/protocol/messages.js';
import { pluginListSchema, toPluginSpec } from './plugins/plugin-config.js';
import type { PluginSpec } from './plugins/plugin-contract.js';

const directorSchema = z
  .strictObject({
    /** ws://host:port or wss://host:port (a path is allowed). */
    url: z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' }),
    /** The token this director expects from this agent; or tokenFile. */
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    /** PEM file of the CA that signed the director's certificate (wss:// only). */
    caFile: z.string().min(1).optional(),
  })
  .refine((d) => (d.token === undefined) !== (d.tokenFile === undefined), {
    message: 'give exactly one of token and tokenFile',
    path: ['token'],
  })
  .refine((d) => d.caFile === undefined || d.url.startsWith('wss:'), {
    message: 'caFile only applies to wss:// URLs',
    path: ['caFile'],
  });

export const agentConfigSchema = z.strictObject({
  id: z.union([z.literal(''), agentIdSchema]).default(AGENT_DEFAULTS.id),
  directors: z.array(directorSchema).max(16).default([]),
  procRoot: z.string().min(1).default(AGENT_DEFAULTS.procRoot),
  sampleInterval: durationMsSchema
    .pipe(z.number().min(100, 'must be at least 100ms').max(60_000, 'must be at most 60s'))
    .prefault(AGENT_DEFAULTS.sampleIntervalMs / 1000),
  reportInterval: durationMsSchema
    .pipe(z.number().min(500, 'must be at least 500ms').max(60_000, 'must be at most 60s'))
    .prefault(AGENT_DEFAULTS.reportIntervalMs / 1000),
  ports: z
    .array(z.int().min(1).max(65_535))
    .max(64)
    .refine((p) => new Set(p).size === p.length, 'ports must not repeat')
    .default([...AGENT_DEFAULTS.ports]),
  plugins: pluginListSchema.default([]),
  logLevel: z.enum(LOG_LEVELS).default(AGENT_DEFAULTS.logLevel),
});

export type AgentConfigFile = z.output<typeof agentConfigSchema>;

export interface DirectorTarget {
  readonly url: string;
  readonly token: string;
  readonly tokenSource: string;
  readonly caFile?: string;
}

/** The agent's settings after validation: ids resolved, durations in ms, plugin specs ready to run. */
export interface AgentConfig {
  readonly id: string;
  readonly directors: readonly DirectorTarget[];
  readonly procRoot: string;
  readonly sampleIntervalMs: number;
  readonly reportIntervalMs: number;
  readonly ports: readonly number[];
  readonly plugins: readonly PluginSpec[];
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Where the config came from, for messages. */
  readonly source: string;
}

/** Reads token files and resolves relative paths; the only I/O besides reading the config itself. */
function resolveConfig(file: AgentConfigFile, source: string, baseDir: string, readToken: (p: string) => string): AgentConfig {
  const id = file.id || (hostname().split('.')[0] ?? '').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || 'agent';
  const directors = file.directors.map((d, i): DirectorTarget => {
    if (d.token !== undefined) return { url: d.url, token: d.token, tokenSource: `directors[${i}].token`, ...(d.caFile ? { caFile: resolve(baseDir, d.caFile) } : {}) };
    // The schema allows exactly one of token and tokenFile.
    if (d.tokenFile === undefined) throw new ConfigInvalidError(source, `directors[${i}].token`, 'give exactly one of token and tokenFile');
    const path = resolve(baseDir, d.tokenFile);
    let token: string;
    try {
      token = readToken(path).trim();
    } catch (err) {
      throw new ConfigInvalidError(source, `directors[${i}].tokenFile`, `cannot read ${path}: ${describeError(err)}`);
    }
    if (!token) throw new ConfigInvalidError(source, `directors[${i}].tokenFile`, `${path} is empty`);
    return { url: d.url, token, tokenSource: path, ...(d.caFile ? { caFile: resolve(baseDir, d.caFile) } : {}) };
  });
  return deepFreeze({
    id,
    directors,
    procRoot: resolve(baseDir, file.procRoot),
    sampleIntervalMs: file.sampleInterval,
    reportIntervalMs: file.reportInterval,
    ports: file.ports,
    plugins: file.plugins.map((p) => toPluginSpec(p, baseDir)),
    logLevel: file.logLevel,
    source,
  });
}

/** Loads and validates the agent config file. Throws ConfigUnreadableError / ConfigInvalidError. */
export function loadAgentConfig(file: string, readToken: (path: string) => string): AgentConfig {
  const parsed = loadConfigFile(agentConfigSchema, file);
  return resolveConfig(parsed, file, dirname(resolve(file)), readToken);
}

/** Validates a config given as data (tests, `--once` without a file). */
export function agentConfigFromData(data: unknown, source: string, baseDir: string, readToken: (path: string) => string): AgentConfig {
  return resolveConfig(validateConfig(agentConfigSchema, data, source), source, baseDir, readToken);
}
