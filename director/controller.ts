// The live director: agents in, one decision per grid instant of the control interval through the pure core, changes out.
import { EventEmitter } from 'node:events';
import { describeError } from '../shared/errors.js';
import { IpvsApplyError } from './errors.js';
import { LogOnce, type Logger } from '../shared/logging.js';
import type { HostFacts } from '../shared/protocol/messages.js';
import type { DestDecision, ServiceDecision, StepResult } from './core/decisions.js';
import { decisionLine } from './core/explain.js';
import type { ReceivedReport } from './core/observation.js';
import { advance } from './core/advance.js';
import { initialState } from './core/step.js';
import type { CoreState } from './core/state.js';
import type { DirectorConfig } from './config/director-config.js';
import type { KernelTable } from './kernel/kernel-table.js';

export interface ControllerEvents {
  decided: [result: StepResult<CoreState>];
}

/** Everything status needs about one moment: the core's state and the decisions made from it. */
export interface Snapshot {
  readonly at: number;
  readonly state: CoreState;
  readonly dests: readonly DestDecision[];
  readonly services: readonly ServiceDecision[];
  readonly connected: ReadonlySet<string>;
  readonly lastWriteError?: string;
}

export class Controller extends EventEmitter<ControllerEvents> {
  private state: CoreState;
  private hellos: { agentId: string; host: HostFacts }[] = [];
  private reports: ReceivedReport[] = [];
  private readonly connected = new Set<string>();
  private readonly logOnce = new LogOnce();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private last: Snapshot;
  private stopped = false;

  constructor(
    private readonly config: DirectorConfig,
    private readonly table: KernelTable,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    super();
    this.state = initialState(config.core, now());
    this.last = { at: now(), state: this.state, dests: [], services: [], connected: this.connected };
  }

  onHello(agentId: string, host: HostFacts): void {
    this.hellos.push({ agentId, host });
    this.connected.add(agentId);
  }

  onReport(agentId: string, report: ReceivedReport['report'], receivedAt: number): void {
    this.reports.push({ agentId, receivedAt, report });
  }

  onDisconnect(agentId: string): void {
    this.connected.delete(agentId);
  }

  snapshot(): Snapshot {
    return this.last;
  }

  /** Decides once now: read the table, step the core, log, write. Never overlaps itself. */
  async tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.decide().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Decides now, then at every grid instant plus the settle time (the same instants on every director). */
  start(): void {
    void this.tick().finally(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopped) return;
    const { intervalMs, settleMs } = this.config.core.decisions;
    const now = this.now();
    const next = (Math.floor((now - settleMs) / intervalMs) + 1) * intervalMs + settleMs;
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule()), Math.max(0, next - now));
  }

  /** Stops deciding; with onExit 'restore', writes the configured weights back first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.config.onExit === 'restore') {
      const configured = new Map(this.config.core.services.flatMap((s) => s.realServers.map((r) => [`${s.name}/${r.id}`, r.baseWeight] as const)));
      const restore = this.last.dests.flatMap((d) => {
        const weight = configured.get(`${d.service}/${d.destId}`);
        return d.present && weight !== undefined ? [{ ...d, weightBefore: d.weight, weight, changed: d.weight !== weight }] : [];
      });
      const out = await this.table.restore(restore);
      this.log.info({ applied: out.applied.length, failed: out.failed.length }, `restored configured weights on exit (${out.applied.length} change(s))`);
    } else {
      this.log.info('left the table as it is on exit');
    }
  }

  private async decide(): Promise<void> {
    if (this.stopped) return;
    let kernel;
    try {
      kernel = await this.table.read();
      if (this.logOnce.clear('read')) this.log.info(`reading the table works again (${this.table.description})`);
    } catch (err) {
      if (this.logOnce.shouldLog('read', describeError(err))) {
        this.log.error({ err: describeError(err) }, `cannot read the table, no decision until it can be read: ${describeError(err)}`);
      }
      return;
    }
    const hellos = this.hellos;
    const reports = this.reports;
    this.hellos = [];
    this.reports = [];
    const result = advance(this.config.core, this.state, { now: this.now(), hellos, reports, kernel });
    this.state = result.state;
    if (result.steps.length === 0) return;
    if (result.steps.length > 1) {
      const instants = result.steps.map((s) => s.state.decidedAt);
      this.log.warn(
        { event: 'caught-up', instants },
        `decided ${result.steps.length} grid instants at once (this decision ran ${Math.round(this.now() - (instants[0] ?? 0) - this.config.core.decisions.settleMs)} ms late): the table gets the last`,
      );
    }
    for (const s of result.steps) this.explain(s);
    let lastWriteError: string | undefined;
    const changed = result.dests.filter((d) => d.changed);
    try {
      const out = await this.table.write(result.dests, result.services);
      if (out.failed.length > 0) {
        const err = new IpvsApplyError(out.failed.map((f) => f.line), out.failed.map((f) => `${f.line}: ${f.reason}`).join('; '));
        lastWriteError = describeError(err);
        this.log.warn({ code: err.code, failed: out.failed }, `${lastWriteError} (retried next decision)`);
      }
    } catch (err) {
      lastWriteError = describeError(err);
      if (this.logOnce.shouldLog('write', lastWriteError)) this.log.error({ err: lastWriteError, changes: changed.length }, `cannot write the table: ${lastWriteError}`);
    }
    if (lastWriteError === undefined && this.logOnce.clear('write')) this.log.info('writing the table works again');
    this.last = { at: this.now(), state: this.state, dests: result.dests, services: result.services, connected: new Set(this.connected), ...(lastWriteError ? { lastWriteError } : {}) };
    for (const s of result.steps) this.emit('decided', s);
  }

  /** One line per weight change; holds (waiting, blackout, stale, missing input) once when they start. */
  private explain(result: StepResult<CoreState>): void {
    // The grid instant the decision belongs to: the same on every director fed by the same reports.
    const instant = result.state.decidedAt;
    for (const e of result.events) {
      const level = e.kind === 'alarm' ? 'error' : e.kind === 'agent-stale' || e.kind === 'dest-absent' || e.kind === 'service-missing' || e.kind === 'external-edit' || e.kind === 'sorry-on' ? 'warn' : 'info';
      this.log[level]({ event: e.kind, service: e.service, dest: e.destId, agentId: e.agentId }, e.message);
    }
    for (const d of result.dests) {
      const key = `${d.service}/${d.destId}`;
      if (d.weight !== d.weightBefore) {
        this.log.info({ service: d.service, dest: d.destId, from: d.weightBefore, to: d.weight, target: d.target, upper: d.upper, lower: d.lower, instant }, decisionLine(d.service, d.destId, d.weightBefore, d.weight, d.reason));
      }
      if (d.holdKind !== undefined) {
        if (this.logOnce.shouldLog(key, d.holdKind)) this.log.info({ service: d.service, dest: d.destId, hold: d.holdKind }, `${key} weight ${d.weight} held: ${d.reason}`);
      } else if (this.logOnce.clear(key)) {
        this.log.info({ service: d.service, dest: d.destId }, `${key} under control again`);
      }
    }
  }
}
