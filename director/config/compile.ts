// Turns a validated config file into the director's settings: defaults layered, tokens read, expressions compiled.
import { resolve } from 'node:path';
import { deepFreeze } from '../../shared/deep-freeze.js';
import { ConfigInvalidError, messageOf } from '../../shared/errors.js';
import type { RealServerSettings, ServiceSettings, SorryServerSettings } from '../core/core-config.js';
import { compileExpression, type CompiledExpression } from '../core/expression.js';
import { isBuiltinVariable } from '../core/variables.js';
import { DIRECTOR_DEFAULTS } from '../defaults.js';
import { ExpressionInvalidError } from '../errors.js';
import { destIdOf, serviceIdOf, type Method, type ServiceRef } from '../kernel/ipvs/names.js';
import type { DirectorConfig } from './director-config.js';
import { layerDefaults, type LayeredConfig, type LayeredService } from './layer-defaults.js';
import type { AgentEntryFile, DirectorConfigFile } from './schema.js';

/** Throws CONFIG_INVALID for `key`. Declared with its type so that a call narrows what follows it. */
type Bad = (key: string, why: string) => never;

interface ServiceContext {
  readonly bad: Bad;
  readonly source: string;
  readonly tokens: ReadonlyMap<string, string>;
  readonly pluginMetrics: readonly string[];
}

function tokenOf(agent: AgentEntryFile, key: string, baseDir: string, readSecret: (path: string) => string, bad: Bad): string {
  if (agent.token !== undefined) return agent.token;
  if (agent.tokenFile === undefined) return bad(`${key}.token`, 'give exactly one of token and tokenFile');
  const path = resolve(baseDir, agent.tokenFile);
  let text: string;
  try {
    text = readSecret(path);
  } catch (err) {
    return bad(`${key}.tokenFile`, `cannot read ${path}: ${messageOf(err)}`);
  }
  const token = text.trim();
  if (token.length < 16) bad(`${key}.tokenFile`, `${path} holds fewer than 16 characters`);
  return token;
}

/** The kernel's reference of a configured service: address and port, or fwmark (the schema allows nothing else). */
function serviceRefOf(svc: LayeredService, key: string, bad: Bad): ServiceRef {
  if (svc.fwmark !== undefined) return { protocol: 'fwm', fwmark: svc.fwmark };
  if (svc.address === undefined) return bad(`${key}.address`, 'give either address and port, or fwmark');
  if (svc.port === undefined) return bad(`${key}.port`, 'a service with an address needs a port');
  return { protocol: svc.protocol, address: svc.address, port: svc.port };
}

function expressionOf(svc: LayeredService, ctx: ServiceContext): CompiledExpression | undefined {
  if (svc.expression === undefined) return undefined;
  try {
    return compileExpression(svc.expression.text, svc.expression.key, ctx.pluginMetrics);
  } catch (err) {
    if (err instanceof ExpressionInvalidError) throw new ConfigInvalidError(ctx.source, err.key, err.message.slice(err.key.length + 2));
    throw err;
  }
}

/**
 * A destination's port as the kernel will hold it. Under a fwmark service a destination without a port is stored with
 * port 0 (NAT and DR alike). Under a service with an address, port 0 names nothing, and ipvsadm puts DR and tunnel
 * destinations on the service's own port whatever they ask for, so only masq may map to another port.
 */
function destPortOf(svc: LayeredService, d: { readonly port?: number; readonly method: Method }, key: string, bad: Bad): number {
  if (svc.fwmark !== undefined) return d.port ?? 0;
  const port = d.port ?? svc.port;
  if (port === undefined || port === 0) return bad(`${key}.port`, 'a destination of a service with an address needs a port from 1 to 65535');
  if (d.method !== 'masq' && port !== svc.port) return bad(`${key}.port`, `a ${d.method} destination takes the service's port ${svc.port ?? ''} (ipvsadm forces it); only masq may use another port`);
  return port;
}

function realServersOf(svc: LayeredService, key: string, destIds: Set<string>, ctx: ServiceContext): RealServerSettings[] {
  const { bad } = ctx;
  return svc.realServers.map((rs, ri) => {
    const rkey = `${key}.realServers[${ri}]`;
    if (!ctx.tokens.has(rs.agent)) bad(`${rkey}.agent`, `agent ${rs.agent} is not listed under agents`);
    const port = destPortOf(svc, rs, rkey, bad);
    const id = destIdOf({ address: rs.address, port });
    if (destIds.has(id)) bad(`${rkey}.address`, `${id} is listed twice in ${svc.name}`);
    destIds.add(id);
    if (rs.minWeight > rs.maxWeight) bad(`${rkey}.minWeight`, `minWeight ${rs.minWeight} is above maxWeight ${rs.maxWeight}`);
    if (rs.upperThreshold > 0 && rs.lowerThreshold >= rs.upperThreshold) bad(`${rkey}.lowerThreshold`, `must be below upperThreshold ${rs.upperThreshold}`);
    const from = rs.upperThresholdFrom;
    if (from !== undefined && !isBuiltinVariable(from) && !ctx.pluginMetrics.includes(from)) {
      bad(`${rkey}.upperThresholdFrom`, `${from} is neither a built-in variable nor listed under pluginMetrics`);
    }
    return {
      id,
      address: rs.address,
      port,
      agentId: rs.agent,
      baseWeight: Math.min(rs.maxWeight, Math.max(rs.minWeight, rs.weight)),
      minWeight: rs.minWeight,
      maxWeight: rs.maxWeight,
      method: rs.method,
      thresholds: { owned: rs.thresholdsOwned, upper: rs.upperThreshold, lower: rs.lowerThreshold, ...(from ? { upperFrom: from } : {}) },
    };
  });
}

function sorryServersOf(svc: LayeredService, key: string, destIds: Set<string>, ctx: ServiceContext): SorryServerSettings[] {
  const { bad } = ctx;
  return svc.sorryServers.map((ss, i) => {
    const port = destPortOf(svc, ss, `${key}.sorryServers[${i}]`, bad);
    const id = destIdOf({ address: ss.address, port });
    if (destIds.has(id)) bad(`${key}.sorryServers[${i}].address`, `${id} is also a real server of ${svc.name}`);
    destIds.add(id);
    return { id, address: ss.address, port, method: ss.method, weight: ss.weight };
  });
}

/** How a service's weight is decided: capacity (with an optional penalty expression) or its expression alone. */
type WeightLaw =
  | { readonly mode: 'capacity'; readonly expression?: CompiledExpression }
  | { readonly mode: 'expression'; readonly expression: CompiledExpression };

function weightLawOf(svc: LayeredService, key: string, ctx: ServiceContext): WeightLaw {
  const expression = expressionOf(svc, ctx);
  if (svc.mode === 'capacity') return expression ? { mode: 'capacity', expression } : { mode: 'capacity' };
  if (expression === undefined) return ctx.bad(`${key}.expression`, 'expression mode needs an expression');
  return { mode: 'expression', expression };
}

function compileService(svc: LayeredService, key: string, ref: ServiceRef, serviceId: string, ctx: ServiceContext): ServiceSettings {
  const law = weightLawOf(svc, key, ctx);
  const destIds = new Set<string>();
  return {
    name: svc.name,
    ref,
    serviceId,
    ...law,
    referenceWeight: svc.referenceWeight,
    realServers: realServersOf(svc, key, destIds, ctx),
    sorryServers: sorryServersOf(svc, key, destIds, ctx),
    damping: {
      deadbandPct: svc.damping.deadband,
      noiseErrors: svc.damping.noiseDeadband,
      maxStepPct: svc.damping.maxStep,
      minIntervalMs: svc.damping.minInterval,
      slowStartMs: svc.damping.slowStart,
      slowStartFromPct: svc.damping.slowStartFrom,
    },
    capacity: { utilizationFloor: svc.capacity.utilizationFloor, rateFrom: svc.capacity.rateFrom, maxRatio: svc.capacity.maxRatio, maxGrowthPerMinute: svc.capacity.maxGrowthPerMinute },
    stalePolicy: svc.stalePolicy,
    staleHoldMs: svc.staleHold,
    fallback: {
      afterMs: svc.fallback.after,
      recoverAfterMs: svc.fallback.recoverAfter,
      recoverCount: svc.fallback.recoverCount,
      keepWeight: svc.fallback.keepWeight,
      keepCount: svc.fallback.keepCount,
    },
  };
}

function compileLayered(config: LayeredConfig, source: string, baseDir: string, readSecret: (path: string) => string): DirectorConfig {
  const bad: Bad = (key, why) => {
    throw new ConfigInvalidError(source, key, why);
  };
  const tokens = new Map<string, string>();
  config.agents.forEach((a, i) => {
    if (tokens.has(a.id)) bad(`agents[${i}].id`, `agent ${a.id} is listed twice`);
    tokens.set(a.id, tokenOf(a, `agents[${i}]`, baseDir, readSecret, bad));
  });

  const ctx: ServiceContext = { bad, source, tokens, pluginMetrics: config.pluginMetrics };
  const seenServices = new Set<string>();
  const createServices = new Map<string, string>();
  const services = config.services.map((svc, si) => {
    const key = `services[${si}]`;
    const ref = serviceRefOf(svc, key, bad);
    const serviceId = serviceIdOf(ref);
    if (seenServices.has(svc.name) || seenServices.has(serviceId)) bad(`${key}.name`, `service ${svc.name} (${serviceId}) is configured twice`);
    seenServices.add(svc.name).add(serviceId);
    if (svc.create) createServices.set(serviceId, svc.scheduler);
    return compileService(svc, key, ref, serviceId, ctx);
  });

  return deepFreeze({
    id: config.id,
    listen: config.listen,
    ...(config.tls ? { tls: { certFile: resolve(baseDir, config.tls.certFile), keyFile: resolve(baseDir, config.tls.keyFile) } } : {}),
    status: config.status,
    logLevel: config.logLevel,
    reportIntervalMs: config.reportInterval,
    controlIntervalMs: config.controlInterval,
    dryRun: config.dryRun,
    ipvsadm: config.ipvsadm,
    ipvs: config.ipvs,
    procRoot: resolve(baseDir, config.procRoot),
    onExit: config.onExit,
    tokens,
    createServices,
    core: {
      decisions: { ...DIRECTOR_DEFAULTS.decisions, intervalMs: config.controlInterval, settleMs: config.settle },
      smoothing: { tauMs: config.smoothing.timeConstant, blackoutMs: config.smoothing.blackout, windowMs: windowOf(config.smoothing, config.controlInterval), noiseSpanMs: config.smoothing.timeConstant * DIRECTOR_DEFAULTS.smoothing.noiseTimeConstants, noiseBatchMs: noiseBatchOf(config.smoothing.timeConstant, config.controlInterval) },
      staleAfterMs: config.staleAfter,
      externalEditHoldMs: config.externalEditHold,
      services,
    },
    source,
  });
}

/** Compiles a validated file; every error is CONFIG_INVALID naming its key. `baseDir` resolves token and TLS files. */
export function compileDirectorConfig(file: DirectorConfigFile, source: string, baseDir: string, readSecret: (path: string) => string): DirectorConfig {
  return compileLayered(layerDefaults(file), source, baseDir, readSecret);
}

/** The smoothing window: as configured, or a number of time constants (a minute at least); whole control intervals. */
/** The noise batch: a fraction of the time constant, a whole number of control intervals (at least one). */
function noiseBatchOf(timeConstant: number, intervalMs: number): number {
  return Math.max(1, Math.round((timeConstant * DIRECTOR_DEFAULTS.smoothing.noiseBatchTimeConstants) / intervalMs)) * intervalMs;
}

function windowOf(smoothing: { timeConstant: number; window?: number }, intervalMs: number): number {
  const { windowTimeConstants, windowMinMs } = DIRECTOR_DEFAULTS.smoothing;
  const wanted = smoothing.window ?? Math.max(windowMinMs, smoothing.timeConstant * windowTimeConstants);
  return Math.max(1, Math.ceil(wanted / intervalMs)) * intervalMs;
}
