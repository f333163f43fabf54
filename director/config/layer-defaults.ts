// The one place defaults are applied: DIRECTOR_DEFAULTS ← the file's `defaults:` block ← each service's own keys.
import { hostname } from 'node:os';
import { DIRECTOR_DEFAULTS } from '../defaults.js';
import type { AgentEntryFile, DirectorConfigFile, PolicyFile, RealServerFile, ServiceFile, SorryServerFile } from './schema.js';

type DampingFile = NonNullable<PolicyFile['damping']>;
type CapacityFile = NonNullable<PolicyFile['capacity']>;
type FallbackFile = NonNullable<PolicyFile['fallback']>;

/** An expression and the key it was given under (a service's own, or the `defaults:` block's). */
export interface LayeredExpression {
  readonly text: string;
  readonly key: string;
}

/** A real server with every key set; its port is still absent when neither it nor its (fwmark) service names one. */
export interface LayeredRealServer extends Required<Omit<RealServerFile, 'port' | 'upperThresholdFrom'>> {
  readonly port?: number;
  readonly upperThresholdFrom?: string;
  /** The file names a threshold for this real server: lvs-feedback owns its thresholds (else someone else does). */
  readonly thresholdsOwned: boolean;
}

/** A sorry server with every key set; its port as for real servers. */
export interface LayeredSorryServer extends Required<Omit<SorryServerFile, 'port'>> {
  readonly port?: number;
}

/** A service with every setting decided: its own, else the `defaults:` block's, else DIRECTOR_DEFAULTS'. */
export interface LayeredService extends Required<Omit<PolicyFile, 'expression' | 'damping' | 'capacity' | 'fallback'>> {
  readonly name: string;
  readonly protocol: NonNullable<ServiceFile['protocol']>;
  readonly address?: string;
  readonly port?: number;
  readonly fwmark?: number;
  readonly scheduler: string;
  readonly create: boolean;
  readonly expression?: LayeredExpression;
  readonly damping: Required<DampingFile>;
  readonly capacity: Required<CapacityFile>;
  readonly fallback: Required<FallbackFile>;
  readonly realServers: readonly LayeredRealServer[];
  readonly sorryServers: readonly LayeredSorryServer[];
}

type TopFile = Omit<DirectorConfigFile, 'tls' | 'staleAfter' | 'agents' | 'defaults' | 'services' | 'listen' | 'status' | 'smoothing' | 'ipvs'>;

/** The whole file with every default applied (durations in milliseconds); the `defaults:` block is folded in. */
export interface LayeredConfig extends Required<TopFile> {
  readonly listen: Required<NonNullable<DirectorConfigFile['listen']>>;
  readonly status: Required<NonNullable<DirectorConfigFile['status']>>;
  /** window: absent means a number of time constants (compile.ts). */
  readonly smoothing: Required<Omit<NonNullable<DirectorConfigFile['smoothing']>, 'window'>> & { readonly window?: number };
  /** null: the file leaves the sysctl as it is. */
  /** `timeout`: the time one ipvsadm run may take; at it, its whole process group is killed. */
  readonly ipvs: { readonly expireQuiescentTemplate: boolean | null; readonly timeout: number };
  readonly tls?: DirectorConfigFile['tls'];
  readonly staleAfter: number;
  readonly agents: readonly AgentEntryFile[];
  readonly services: readonly LayeredService[];
}

const D = DIRECTOR_DEFAULTS;
const S = D.service;

// DIRECTOR_DEFAULTS in the file's shape and units: what a file that leaves a key out means.
const TOP = {
  id: D.id,
  listen: { ...D.listen, maxConnections: D.agents.maxConnections, maxConnectionsPerAddress: D.agents.maxConnectionsPerAddress },
  status: D.status,
  logLevel: D.logLevel,
  reportInterval: D.reportIntervalMs,
  controlInterval: D.controlIntervalMs,
  settle: D.decisions.settleMs,
  dryRun: D.dryRun,
  ipvsadm: D.ipvs.binary,
  procRoot: D.procRoot,
  onExit: D.onExit,
  smoothing: { timeConstant: D.smoothing.tauMs, blackout: D.smoothing.blackoutMs },
  externalEditHold: D.externalEditHoldMs,
  pluginMetrics: D.pluginMetrics,
};
const SERVICE = { protocol: S.protocol, scheduler: S.scheduler, create: S.create, sorryServers: S.sorryServers };
const POLICY = { mode: S.mode, referenceWeight: S.referenceWeight, minWeight: S.minWeight, maxWeight: S.maxWeight, stalePolicy: S.stalePolicy, staleHold: S.staleHoldMs };
const DAMPING = {
  deadband: S.damping.deadbandPct,
  noiseDeadband: S.damping.noiseErrors,
  maxStep: S.damping.maxStepPct,
  minInterval: S.damping.minIntervalMs,
  slowStart: S.damping.slowStartMs,
  slowStartFrom: S.damping.slowStartFromPct,
};
const CAPACITY = { utilizationFloor: S.capacity.utilizationFloor, rateFrom: S.capacity.rateFrom, maxRatio: S.capacity.maxRatio, maxGrowthPerMinute: S.capacity.maxGrowthPerMinute };
const FALLBACK = {
  after: S.fallback.afterMs,
  recoverAfter: S.fallback.recoverAfterMs,
  recoverCount: S.fallback.recoverCount,
  keepWeight: S.fallback.keepWeight,
  keepCount: S.fallback.keepCount,
};

/**
 * The keys of `value` that are set, so spreading it over a layer below keeps that layer's value for the rest. The
 * result types every key as optional: keys a layer must have are restated after the spread.
 */
function setKeysOf<T extends object>(value: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (value === undefined) return out;
  for (const key in value) {
    const v = value[key];
    if (Object.hasOwn(value, key) && v !== undefined) out[key] = v;
  }
  return out;
}

function layerService(svc: ServiceFile, index: number, block: PolicyFile | undefined): LayeredService {
  const { damping, capacity, fallback, expression, realServers, sorryServers, ...own } = svc;
  const { damping: blockDamping, capacity: blockCapacity, fallback: blockFallback, expression: blockExpression, ...inherited } = setKeysOf(block);
  const flat = { ...SERVICE, ...POLICY, ...inherited, ...setKeysOf(own), name: svc.name };
  const layeredExpression =
    expression !== undefined
      ? { text: expression, key: `services[${index}].expression` }
      : blockExpression !== undefined
        ? { text: blockExpression, key: 'defaults.expression' }
        : undefined;
  return {
    ...flat,
    ...(layeredExpression ? { expression: layeredExpression } : {}),
    // Nested blocks merge key by key: a service's damping.maxStep keeps the defaults' damping.deadband.
    damping: { ...DAMPING, ...setKeysOf(blockDamping), ...setKeysOf(damping) },
    capacity: { ...CAPACITY, ...setKeysOf(blockCapacity), ...setKeysOf(capacity) },
    fallback: { ...FALLBACK, ...setKeysOf(blockFallback), ...setKeysOf(fallback) },
    realServers: realServers.map((rs) => ({ ...D.realServer, port: flat.port, minWeight: flat.minWeight, maxWeight: flat.maxWeight, ...setKeysOf(rs), address: rs.address, agent: rs.agent, thresholdsOwned: rs.upperThreshold !== undefined || rs.lowerThreshold !== undefined || rs.upperThresholdFrom !== undefined })),
    sorryServers: (sorryServers ?? SERVICE.sorryServers).map((ss) => ({ ...D.sorryServer, port: flat.port, ...setKeysOf(ss), address: ss.address })),
  };
}

/** Applies every default to a validated file. An empty id becomes the host's short name. */
export function layerDefaults(file: DirectorConfigFile): LayeredConfig {
  const { listen, status, smoothing, ipvs, staleAfter, agents, defaults: block, services, ...own } = file;
  const top = { ...TOP, ...setKeysOf(own) };
  return {
    ...top,
    id: top.id || hostname().split('.')[0] || D.idWithoutHostName,
    listen: { ...TOP.listen, ...setKeysOf(listen) },
    status: { ...TOP.status, ...setKeysOf(status) },
    smoothing: { ...TOP.smoothing, ...setKeysOf(smoothing) },
    ipvs: { expireQuiescentTemplate: D.ipvs.expireQuiescentTemplate, timeout: D.ipvs.timeoutMs, ...setKeysOf(ipvs) },
    staleAfter: staleAfter ?? D.staleAfterIntervals * top.reportInterval,
    agents,
    services: services.map((svc, i) => layerService(svc, i, block)),
  };
}
