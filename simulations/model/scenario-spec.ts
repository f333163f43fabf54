// How a scenario describes a cluster and what happens to it; the runner turns this into events.

export interface ServerSpec {
  readonly cores: number;
  /** Work units per second per core (1 = the reference core). */
  readonly speed: number;
}

export interface RequestClass {
  readonly share: number;
  /** Mean work of one request, in seconds of one reference core. */
  readonly meanWork: number;
  /** Coefficient of variation of the work (log-normal). */
  readonly cv: number;
}

/** At least one request class: every arrival belongs to one. */
export type RequestClasses = readonly [RequestClass, ...RequestClass[]];

export interface ScenarioSpec {
  readonly name: string;
  readonly title: string;
  readonly servers: readonly ServerSpec[];
  readonly classes: RequestClasses;
  /** New connections per second at time t (seconds). */
  readonly rate: (tS: number) => number;
  readonly durationS: number;
  readonly warmupS: number;
  /** Standard deviation of the noise on each CPU sample, in percentage points. */
  readonly noisePct?: number;
  /** Delay between a report leaving the agent and the director having it. */
  readonly reportDelayMs?: number;
  readonly background?: { readonly server: number; readonly fromS: number; readonly toS: number; readonly threads: number };
  readonly silent?: { readonly servers: readonly number[]; readonly fromS: number; readonly toS: number };
  /** The server is out of the table (a health checker removed it) until this time, then added back. */
  readonly rejoin?: { readonly server: number; readonly atS: number };
  readonly sorry?: boolean;
  /** A window with its own response-time figures (the background job, the rejoin). */
  readonly window?: { readonly fromS: number; readonly toS: number; readonly label: string };
}

export const totalCapacity = (s: ScenarioSpec): number => s.servers.reduce((a, x) => a + x.cores * x.speed, 0);
export const meanWork = (s: ScenarioSpec): number => s.classes.reduce((a, c) => a + c.share * c.meanWork, 0);
/** The arrival rate that loads the whole cluster to `fraction` of its capacity. */
export const rateFor = (s: Pick<ScenarioSpec, 'servers' | 'classes'>, fraction: number): number =>
  (fraction * s.servers.reduce((a, x) => a + x.cores * x.speed, 0)) / s.classes.reduce((a, c) => a + c.share * c.meanWork, 0);
