// The director's config file: its schema (every key, defaults from DIRECTOR_DEFAULTS), validated and compiled once.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { PROTOCOL } from '../shared/defaults.js';
import { DIRECTOR_DEFAULTS } from './defaults.js';
import { durationMsSchema } from '../shared/duration.js';
import { ConfigInvalidError } from '../shared/errors.js';
import { ExpressionInvalidError } from './errors.js';
import { freezeDeep, loadConfigFile, validateConfig } from '../shared/config-file.js';
import { LOG_LEVELS } from '../shared/logging.js';
import { agentIdSchema, metricNameSchema } from '../shared/protocol/messages.js';
import type { CoreSettings, RealServerSettings, ServiceSettings, SorryServerSettings } from './core/core-config.js';
import { destIdOf, METHODS, serviceIdOf, type ServiceRef } from './kernel/ipvs/names.js';
import { compileExpression } from './core/expression.js';
import { isBuiltinVariable } from './core/variables.js';

const D = DIRECTOR_DEFAULTS;
const S = D.service;

const duration = (min: number, max: number) =>
  durationMsSchema.pipe(z.number().min(min, `must be at least ${min}ms`).max(max, `must be at most ${max / 1000}s`));
const address = z.string().refine((a) => isIP(a) !== 0, 'must be an IPv4 or IPv6 address');
const port = z.int().min(1).max(65_535);
const weight = z.int().min(0).max(65_535);
const method = z.enum(METHODS);

const dampingSchema = z.strictObject({
  deadband: z.number().min(0).max(100).optional(),
  maxStep: z.number().gt(0).max(100).optional(),
  minInterval: duration(0, 3_600_000).optional(),
  slowStart: duration(0, 3_600_000).optional(),
  slowStartFrom: z.number().min(0).max(100).optional(),
});
const capacitySchema = z.strictObject({
  utilizationFloor: z.number().gt(0).max(1).optional(),
  rateFrom: z.enum(['kernel', 'agent', 'auto']).optional(),
});
const fallbackSchema = z.strictObject({
  after: duration(0, 3_600_000).optional(),
  recoverAfter: duration(0, 3_600_000).optional(),
  recoverCount: z.int().min(1).optional(),
  keepWeight: z.int().min(1).max(65_535).optional(),
  keepCount: z.int().min(1).optional(),
});
/** Settings a service may set, and the top-level `defaults:` block may set for every service. */
const policyFields = {
  mode: z.enum(['capacity', 'expression']).optional(),
  expression: z.string().min(1).max(2_000).optional(),
  referenceWeight: z.int().min(1).max(65_535).optional(),
  minWeight: weight.optional(),
  maxWeight: weight.optional(),
  stalePolicy: z.enum(['configured', 'hold', 'quiesce']).optional(),
  damping: dampingSchema.optional(),
  capacity: capacitySchema.optional(),
  fallback: fallbackSchema.optional(),
};

const realServerSchema = z.strictObject({
  address,
  port: port.optional(),
  agent: agentIdSchema,
  weight: weight.default(D.realServer.weight),
  method: method.default(D.realServer.method),
  minWeight: weight.optional(),
  maxWeight: weight.optional(),
  upperThreshold: z.int().min(0).max(2 ** 31 - 1).default(D.realServer.upperThreshold),
  lowerThreshold: z.int().min(0).max(2 ** 31 - 1).default(D.realServer.lowerThreshold),
  upperThresholdFrom: metricNameSchema.optional(),
});

const sorryServerSchema = z.strictObject({
  address,
  port: port.optional(),
  method: method.default(D.sorryServer.method),
  weight: z.int().min(1).max(65_535).default(D.sorryServer.weight),
});

const serviceSchema = z
  .strictObject({
    name: metricNameSchema,
    protocol: z.enum(['tcp', 'udp', 'sctp']).default('tcp'),
    address: address.optional(),
    port: port.optional(),
    fwmark: z.int().min(1).max(2 ** 32 - 1).optional(),
    scheduler: z.string().regex(/^[a-z]{2,8}$/).default(S.scheduler),
    /** Create the virtual service when the kernel does not have it (off: report it missing). */
    create: z.boolean().default(false),
    realServers: z.array(realServerSchema).min(1).max(4_096),
    sorryServers: z.array(sorryServerSchema).max(16).default([]),
    ...policyFields,
  })
  .refine((s) => (s.fwmark === undefined) !== (s.address === undefined), { message: 'give either address and port, or fwmark', path: ['address'] })
  .refine((s) => s.fwmark !== undefined || s.port !== undefined, { message: 'a service with an address needs a port', path: ['port'] });

const agentEntrySchema = z
  .strictObject({ id: agentIdSchema, token: z.string().min(16, 'must be at least 16 characters').optional(), tokenFile: z.string().min(1).optional() })
  .refine((a) => (a.token === undefined) !== (a.tokenFile === undefined), { message: 'give exactly one of token and tokenFile', path: ['token'] });

export const directorConfigSchema = z.strictObject({
  id: z.string().max(64).default(D.id),
  listen: z.strictObject({ host: z.string().min(1).default(D.listen.host), port: z.int().min(0).max(65_535).default(D.listen.port) }).prefault({}),
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  status: z.strictObject({ host: z.string().min(1).default(D.status.host), port: z.int().min(0).max(65_535).default(D.status.port), enabled: z.boolean().default(true) }).prefault({}),
  logLevel: z.enum(LOG_LEVELS).default(D.logLevel as 'info'),
  reportInterval: duration(PROTOCOL.minReportIntervalMs, PROTOCOL.maxReportIntervalMs).prefault(D.reportIntervalMs / 1000),
  controlInterval: duration(100, 60_000).prefault(D.controlIntervalMs / 1000),
  dryRun: z.boolean().default(false),
  ipvsadm: z.string().min(1).default(D.ipvs.binary),
  onExit: z.enum(['leave', 'restore']).default(D.onExit),
  smoothing: z
    .strictObject({ timeConstant: duration(0, 3_600_000).prefault(D.smoothing.tauMs / 1000), blackout: duration(0, 3_600_000).prefault(D.smoothing.blackoutMs / 1000) })
    .prefault({}),
  /** No report for this long makes an agent stale; default 3 report intervals. */
  staleAfter: duration(1_000, 3_600_000).optional(),
  externalEditHold: duration(0, 86_400_000).prefault(D.externalEditHoldMs / 1000),
  /** Plugin metric names expressions may use (the director cannot know them before agents report). */
  pluginMetrics: z.array(metricNameSchema).max(PROTOCOL.maxMetrics).default([]),
  agents: z.array(agentEntrySchema).min(1).max(4_096),
  defaults: z.strictObject(policyFields).default({}),
  services: z.array(serviceSchema).min(1).max(1_024),
});

export type DirectorConfigFile = z.output<typeof directorConfigSchema>;

/** The director's settings after validation: tokens read, expressions compiled, the core's settings built. */
export interface DirectorConfig {
  readonly id: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly status: { readonly host: string; readonly port: number; readonly enabled: boolean };
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly reportIntervalMs: number;
  readonly controlIntervalMs: number;
  readonly dryRun: boolean;
  readonly ipvsadm: string;
  readonly onExit: 'leave' | 'restore';
  /** Agent id → token. */
  readonly tokens: ReadonlyMap<string, string>;
  /** Services the director may create when the kernel lacks them: service id → scheduler. */
  readonly createServices: ReadonlyMap<string, string>;
  readonly core: CoreSettings;
  readonly source: string;
}

/** The kernel's reference of a configured service (the schema guarantees address and port, or fwmark). */
function serviceRefOfConfig(s: { protocol: 'tcp' | 'udp' | 'sctp'; address?: string | undefined; port?: number | undefined; fwmark?: number | undefined }): ServiceRef {
  if (s.fwmark !== undefined) return { protocol: 'fwm', fwmark: s.fwmark };
  if (s.address === undefined || s.port === undefined) throw new Error('unreachable: the schema requires address and port without fwmark');
  return { protocol: s.protocol, address: s.address, port: s.port };
}

function compile(file: DirectorConfigFile, source: string, baseDir: string, readSecret: (p: string) => string): DirectorConfig {
  const bad = (key: string, why: string): never => {
    throw new ConfigInvalidError(source, key, why);
  };
  const tokens = new Map<string, string>();
  file.agents.forEach((a, i) => {
    if (tokens.has(a.id)) bad(`agents[${i}].id`, `agent ${a.id} is listed twice`);
    let token = a.token;
    if (token === undefined) {
      const path = resolve(baseDir, a.tokenFile!);
      try {
        token = readSecret(path).trim();
      } catch (err) {
        return bad(`agents[${i}].tokenFile`, `cannot read ${path}: ${(err as Error).message}`);
      }
      if (token.length < 16) bad(`agents[${i}].tokenFile`, `${path} holds fewer than 16 characters`);
    }
    tokens.set(a.id, token);
  });

  const staleAfterMs = file.staleAfter ?? D.staleAfterIntervals * file.reportInterval;
  const seenServices = new Set<string>();
  const createServices = new Map<string, string>();
  const services = file.services.map((svc, si): ServiceSettings => {
    const key = `services[${si}]`;
    const p = { ...file.defaults, ...Object.fromEntries(Object.entries(svc).filter(([, v]) => v !== undefined)) } as typeof svc & typeof file.defaults;
    const ref = serviceRefOfConfig(svc);
    const serviceId = serviceIdOf(ref);
    if (seenServices.has(svc.name) || seenServices.has(serviceId)) bad(`${key}.name`, `service ${svc.name} (${serviceId}) is configured twice`);
    seenServices.add(svc.name).add(serviceId);
    if (svc.create) createServices.set(serviceId, svc.scheduler);
    const mode = p.mode ?? S.mode;
    if (mode === 'expression' && !p.expression) bad(`${key}.expression`, 'expression mode needs an expression');
    let expression;
    try {
      expression = p.expression === undefined ? undefined : compileExpression(p.expression, svc.expression !== undefined ? `${key}.expression` : 'defaults.expression', file.pluginMetrics);
    } catch (err) {
      if (err instanceof ExpressionInvalidError) throw new ConfigInvalidError(source, err.key, err.message.slice(err.key.length + 2));
      throw err;
    }
    const minWeight = p.minWeight ?? S.minWeight;
    const maxWeight = p.maxWeight ?? S.maxWeight;
    const defaultPort = svc.port;
    const destIds = new Set<string>();
    const realServers = svc.realServers.map((rs, ri): RealServerSettings => {
      const rkey = `${key}.realServers[${ri}]`;
      if (!tokens.has(rs.agent)) bad(`${rkey}.agent`, `agent ${rs.agent} is not listed under agents`);
      const rport = rs.port ?? defaultPort;
      if (rport === undefined) bad(`${rkey}.port`, 'a real server of a fwmark service needs a port');
      const id = destIdOf({ address: rs.address, port: rport! });
      if (destIds.has(id)) bad(`${rkey}.address`, `${id} is listed twice in ${svc.name}`);
      destIds.add(id);
      const min = rs.minWeight ?? minWeight;
      const max = rs.maxWeight ?? maxWeight;
      if (min > max) bad(`${rkey}.minWeight`, `minWeight ${min} is above maxWeight ${max}`);
      if (rs.upperThreshold > 0 && rs.lowerThreshold >= rs.upperThreshold) bad(`${rkey}.lowerThreshold`, `must be below upperThreshold ${rs.upperThreshold}`);
      if (rs.upperThresholdFrom !== undefined && !isBuiltinVariable(rs.upperThresholdFrom) && !file.pluginMetrics.includes(rs.upperThresholdFrom)) {
        bad(`${rkey}.upperThresholdFrom`, `${rs.upperThresholdFrom} is neither a built-in variable nor listed under pluginMetrics`);
      }
      return {
        id,
        address: rs.address,
        port: rport!,
        agentId: rs.agent,
        baseWeight: Math.min(max, Math.max(min, rs.weight)),
        minWeight: min,
        maxWeight: max,
        method: rs.method,
        thresholds: { upper: rs.upperThreshold, lower: rs.lowerThreshold, ...(rs.upperThresholdFrom ? { upperFrom: rs.upperThresholdFrom } : {}) },
      };
    });
    const sorryServers = svc.sorryServers.map((ss, i): SorryServerSettings => {
      const sport = ss.port ?? defaultPort;
      if (sport === undefined) bad(`${key}.sorryServers[${i}].port`, 'a sorry server of a fwmark service needs a port');
      const id = destIdOf({ address: ss.address, port: sport! });
      if (destIds.has(id)) bad(`${key}.sorryServers[${i}].address`, `${id} is also a real server of ${svc.name}`);
      destIds.add(id);
      return { id, address: ss.address, port: sport!, method: ss.method, weight: ss.weight };
    });
    // Nested blocks merge key by key: a service's damping.maxStep keeps the defaults' damping.deadband.
    const dm = { ...file.defaults.damping, ...svc.damping };
    const cp = { ...file.defaults.capacity, ...svc.capacity };
    const fb = { ...file.defaults.fallback, ...svc.fallback };
    return {
      name: svc.name,
      ref,
      serviceId,
      ...(mode === 'expression' ? { mode, expression: expression! } : { mode, ...(expression ? { expression } : {}) }),
      referenceWeight: p.referenceWeight ?? S.referenceWeight,
      realServers,
      sorryServers,
      damping: {
        deadbandPct: dm.deadband ?? S.damping.deadbandPct,
        maxStepPct: dm.maxStep ?? S.damping.maxStepPct,
        minIntervalMs: dm.minInterval ?? S.damping.minIntervalMs,
        slowStartMs: dm.slowStart ?? S.damping.slowStartMs,
        slowStartFromPct: dm.slowStartFrom ?? S.damping.slowStartFromPct,
      },
      capacity: { utilizationFloor: cp.utilizationFloor ?? S.capacity.utilizationFloor, rateFrom: cp.rateFrom ?? S.capacity.rateFrom },
      stalePolicy: p.stalePolicy ?? S.stalePolicy,
      fallback: {
        afterMs: fb.after ?? S.fallback.afterMs,
        recoverAfterMs: fb.recoverAfter ?? S.fallback.recoverAfterMs,
        recoverCount: fb.recoverCount ?? S.fallback.recoverCount,
        keepWeight: fb.keepWeight ?? S.fallback.keepWeight,
        keepCount: fb.keepCount ?? S.fallback.keepCount,
      },
    };
  });

  return freezeDeep({
    id: file.id || hostname().split('.')[0] || 'director',
    listen: file.listen,
    ...(file.tls ? { tls: { certFile: resolve(baseDir, file.tls.certFile), keyFile: resolve(baseDir, file.tls.keyFile) } } : {}),
    status: file.status,
    logLevel: file.logLevel,
    reportIntervalMs: file.reportInterval,
    controlIntervalMs: file.controlInterval,
    dryRun: file.dryRun,
    ipvsadm: file.ipvsadm,
    onExit: file.onExit,
    tokens,
    createServices,
    core: {
      smoothing: { tauMs: file.smoothing.timeConstant, blackoutMs: file.smoothing.blackout },
      staleAfterMs,
      externalEditHoldMs: file.externalEditHold,
      services,
    },
    source,
  });
}

const readText = (p: string): string => readFileSync(p, 'utf8');

/** Loads and validates the director config file. Throws ConfigUnreadableError / ConfigInvalidError. */
export function loadDirectorConfig(file: string, readSecret: (path: string) => string = readText): DirectorConfig {
  return compile(loadConfigFile(directorConfigSchema, file), file, dirname(resolve(file)), readSecret);
}

/** Validates a config given as data (tests, the demo). */
export function directorConfigFromData(data: unknown, source: string, baseDir: string, readSecret: (path: string) => string = readText): DirectorConfig {
  return compile(validateConfig(directorConfigSchema, data, source), source, baseDir, readSecret);
}
