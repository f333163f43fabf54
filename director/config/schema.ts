// What a director config file may say: every key, its type and range. Validation only: no defaults are filled in here.
import { isIP } from 'node:net';
import { z } from 'zod';
import { PROTOCOL } from '../../shared/defaults.js';
import { durationMsSchema } from '../../shared/duration.js';
import { LOG_LEVELS } from '../../shared/logging.js';
import { agentIdSchema, metricNameSchema } from '../../shared/protocol/messages.js';
import { METHODS } from '../kernel/ipvs/names.js';

/** A duration in the file (seconds, or "500ms", "2s", …), validated to milliseconds within [min, max]. */
const duration = (min: number, max: number) =>
  durationMsSchema.pipe(z.number().min(min, `must be at least ${min}ms`).max(max, `must be at most ${max / 1000}s`));
const address = z.string().refine((a) => isIP(a) !== 0, 'must be an IPv4 or IPv6 address');
const port = z.int().min(1).max(65_535);
/** A destination's port: 0 is how the kernel stores a destination of a fwmark service added without one. */
const destPort = z.int().min(0).max(65_535);
const weight = z.int().min(0).max(65_535);
const method = z.enum(METHODS);
const threshold = z.int().min(0).max(2 ** 31 - 1);

const dampingSchema = z.strictObject({
  deadband: z.number().min(0).max(100).optional(),
  noiseDeadband: z.number().min(0).max(10).optional(),
  maxStep: z.number().gt(0).max(100).optional(),
  minInterval: duration(0, 3_600_000).optional(),
  slowStart: duration(0, 3_600_000).optional(),
  slowStartFrom: z.number().min(0).max(100).optional(),
});
const capacitySchema = z.strictObject({
  utilizationFloor: z.number().gt(0).max(1).optional(),
  rateFrom: z.enum(['kernel', 'agent', 'auto']).optional(),
  maxRatio: z.number().min(1).max(1_000).optional(),
  maxGrowthPerMinute: z.number().min(1).max(1_000).optional(),
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
  staleHold: duration(0, 86_400_000).optional(),
  damping: dampingSchema.optional(),
  capacity: capacitySchema.optional(),
  fallback: fallbackSchema.optional(),
};
const policySchema = z.strictObject(policyFields);

const realServerSchema = z.strictObject({
  address,
  port: destPort.optional(),
  agent: agentIdSchema,
  weight: weight.optional(),
  method: method.optional(),
  minWeight: weight.optional(),
  maxWeight: weight.optional(),
  upperThreshold: threshold.optional(),
  lowerThreshold: threshold.optional(),
  upperThresholdFrom: metricNameSchema.optional(),
});

const sorryServerSchema = z.strictObject({
  address,
  port: destPort.optional(),
  method: method.optional(),
  weight: z.int().min(1).max(65_535).optional(),
});

const serviceSchema = z
  .strictObject({
    name: metricNameSchema,
    protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
    address: address.optional(),
    port: port.optional(),
    fwmark: z.int().min(1).max(2 ** 32 - 1).optional(),
    scheduler: z.string().regex(/^[a-z]{2,8}$/).optional(),
    /** Create the virtual service when the kernel does not have it (off: report it missing). */
    create: z.boolean().optional(),
    realServers: z.array(realServerSchema).min(1).max(65_536),
    sorryServers: z.array(sorryServerSchema).max(16).optional(),
    ...policyFields,
  })
  .refine((s) => (s.fwmark === undefined) !== (s.address === undefined), { message: 'give either address and port, or fwmark', path: ['address'] })
  .refine((s) => s.fwmark !== undefined || s.port !== undefined, { message: 'a service with an address needs a port', path: ['port'] });

const agentEntrySchema = z
  .strictObject({ id: agentIdSchema, token: z.string().min(16, 'must be at least 16 characters').optional(), tokenFile: z.string().min(1).optional() })
  .refine((a) => (a.token === undefined) !== (a.tokenFile === undefined), { message: 'give exactly one of token and tokenFile', path: ['token'] });

const endpointFields = { host: z.string().min(1).optional(), port: z.int().min(0).max(65_535).optional() };

export const directorConfigSchema = z.strictObject({
  id: z.string().max(64).optional(),
  listen: z.strictObject({ ...endpointFields, maxConnections: z.int().min(1).max(1_000_000).optional(), maxConnectionsPerAddress: z.int().min(1).max(1_000_000).optional() }).optional(),
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  status: z.strictObject({ ...endpointFields, enabled: z.boolean().optional(), stuckAfter: duration(1_000, 3_600_000).optional() }).optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  reportInterval: duration(PROTOCOL.minReportIntervalMs, PROTOCOL.maxReportIntervalMs).optional(),
  controlInterval: duration(100, 60_000).optional(),
  /** How long after each decision instant the director waits for the reports timed up to it. */
  settle: duration(0, 60_000).optional(),
  dryRun: z.boolean().optional(),
  ipvsadm: z.string().min(1).optional(),
  /** Kernel settings of IPVS the director writes at start when told to (unset: it leaves them as they are). */
  ipvs: z.strictObject({ expireQuiescentTemplate: z.boolean().optional(), timeout: duration(100, 120_000).optional() }).optional(),
  /** Where the kernel's /proc is mounted (the sysctls the director reads and may write live under it). */
  procRoot: z.string().min(1).optional(),
  onExit: z.enum(['leave', 'restore']).optional(),
  smoothing: z.strictObject({ timeConstant: duration(0, 3_600_000).optional(), blackout: duration(0, 3_600_000).optional(), window: duration(1_000, 3_600_000).optional() }).optional(),
  /** No report for this long makes an agent stale. */
  staleAfter: duration(1_000, 3_600_000).optional(),
  externalEditHold: duration(0, 86_400_000).optional(),
  /** Plugin metric names expressions may use (the director cannot know them before agents report). */
  pluginMetrics: z.array(metricNameSchema).max(PROTOCOL.maxMetrics).optional(),
  agents: z.array(agentEntrySchema).min(1).max(100_000),
  defaults: policySchema.optional(),
  services: z.array(serviceSchema).min(1).max(1_024),
});

/** A config file as validated: durations in milliseconds, every key it did not set absent. */
export type DirectorConfigFile = z.output<typeof directorConfigSchema>;
export type ServiceFile = z.output<typeof serviceSchema>;
export type PolicyFile = z.output<typeof policySchema>;
export type RealServerFile = z.output<typeof realServerSchema>;
export type SorryServerFile = z.output<typeof sorryServerSchema>;
export type AgentEntryFile = z.output<typeof agentEntrySchema>;
