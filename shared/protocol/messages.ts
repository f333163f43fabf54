// The wire protocol between agents and directors: one zod schema per message, the only place messages are defined.
import { z } from 'zod';
import { PROTOCOL } from '../defaults.js';

const text = z.string().max(PROTOCOL.maxTextLength);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** Metric and plugin names double as expression variables, so they use a safe alphabet. */
export const metricNameSchema = z
  .string()
  .regex(PROTOCOL.namePattern, 'names are lower case letters, digits and _, starting with a letter, at most 64 long');
/** Agent ids appear in configs, logs and status; host-name-like. */
export const agentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'agent ids are letters, digits, ".", "_" and "-", at most 64 long');
const port = z.int().min(1).max(65_535);

/** A bounded record: zod checks keys and values, this checks the count before anything else is parsed. */
function boundedRecord<V extends z.ZodType>(value: V, max: number, what: string) {
  return z
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), `${what} must be an object`)
    .refine((v) => Object.keys(v).length <= max, `at most ${max} ${what}`)
    // zod drops a "__proto__" key silently; a name outside the alphabet must be refused, not ignored.
    .refine((v) => Object.keys(v).every((k) => PROTOCOL.namePattern.test(k)), `${what} names must match ${PROTOCOL.namePattern}`)
    .pipe(z.record(metricNameSchema, value));
}

export const hostFactsSchema = z.strictObject({
  hostname: text,
  cores: z.int().min(1).max(65_536),
  cpuModel: text.optional(),
  cpuMHz: finite.refine((v) => v > 0, 'must be positive').optional(),
  memTotalBytes: z.int().min(0).optional(),
  kernel: text.optional(),
});

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: z.int(),
  agentId: agentIdSchema,
  token: z.string().min(1).max(PROTOCOL.maxTextLength),
  agentVersion: text,
  host: hostFactsSchema,
  /** Service ports the agent watches (listen queue, established connections). */
  ports: z.array(port).max(64),
});

/** Mean, minimum and maximum of the samples taken during one report interval. */
export const metricStatSchema = z
  .strictObject({ mean: finite, min: finite, max: finite, n: z.int().min(1).max(3_600) })
  .refine((s) => s.min <= s.mean + 1e-9 * Math.abs(s.mean) && s.mean <= s.max + 1e-9 * Math.abs(s.mean), 'need min ≤ mean ≤ max');

export const pluginStatusSchema = z.strictObject({
  ok: z.boolean(),
  /** Duration of the plugin's last run. */
  durationMs: finite.refine((v) => v >= 0, 'must be ≥ 0'),
  /** Age of the last good value, absent if there never was one. */
  ageMs: finite.refine((v) => v >= 0, 'must be ≥ 0').optional(),
  error: z.strictObject({ code: text, message: text }).optional(),
});

export const reportSchema = z.strictObject({
  type: z.literal('report'),
  /** Increases by one per report sent on a connection (a report dropped under back-pressure takes no number). */
  seq: z.int().min(0),
  /**
   * Agent wall clock at the end of the interval, ms since the epoch: a multiple of the interval, the same in the report
   * of that interval to every director. Directors count the report at this time (within their clock-skew limit).
   */
  ts: z.int().min(0),
  intervalMs: z.int().min(1).max(3_600_000),
  metrics: boundedRecord(metricStatSchema, PROTOCOL.maxMetrics, 'metrics'),
  plugins: boundedRecord(pluginStatusSchema, PROTOCOL.maxPlugins, 'plugins'),
});

export const welcomeSchema = z.strictObject({
  type: z.literal('welcome'),
  protocol: z.int(),
  directorId: text,
  reportIntervalMs: z.int().min(PROTOCOL.minReportIntervalMs).max(PROTOCOL.maxReportIntervalMs),
});

export const errorMessageSchema = z.strictObject({
  type: z.literal('error'),
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
  message: text,
});

export const agentMessageSchema = z.discriminatedUnion('type', [helloSchema, reportSchema]);
export const directorMessageSchema = z.discriminatedUnion('type', [welcomeSchema, errorMessageSchema]);

export type HostFacts = z.infer<typeof hostFactsSchema>;
export type HelloMessage = z.infer<typeof helloSchema>;
export type MetricStat = z.infer<typeof metricStatSchema>;
export type PluginStatus = z.infer<typeof pluginStatusSchema>;
export type ReportMessage = z.infer<typeof reportSchema>;
export type WelcomeMessage = z.infer<typeof welcomeSchema>;
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type DirectorMessage = z.infer<typeof directorMessageSchema>;
