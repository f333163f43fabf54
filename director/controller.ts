// The live director: agents in, one decision per grid instant of the control interval through the pure core, changes out.
import { EventEmitter } from 'node:events';
import { describeError } from '../shared/errors.js';
import { IpvsApplyError } from './errors.js';
import { LogOnce, type Logger } from '../shared/logging.js';
import type { HostFacts } from '../shared/protocol/messages.js';
import type { CoreEvent, DestDecision, ServiceDecision } from './core/decisions.js';
import { decisionLine } from './core/explain.js';
import type { ReceivedReport } from './core/observation.js';
import { advance, type DecidedStep } from './core/advance.js';
import { receiveReport } from './core/receive.js';
import { initialState } from './core/step.js';
import type { CoreState } from './core/state.js';
import type { DirectorConfig } from './config/director-config.js';
import type { KernelTable } from './kernel/kernel-table.js';
import { PerfWindow } from './perf-window.js';

export interface ControllerEvents {
  decided: [result: DecidedStep];
}

/** Everything status needs about one moment: the core's state and the decisions made from it. */
export interface Snapshot {
  readonly at: number;
  readonly state: CoreState;
  readonly dests: readonly DestDecision[];
  readonly services: readonly ServiceDecision[];
  readonly connected: ReadonlySet<string>;
  readonly lastWriteError?: string;
  /** True once a decision has been made (`at` is then its time; before, the controller's start). */
  readonly decided: boolean;
  /** Why the table could not be read at the last attempt, while it cannot. */
  readonly lastReadError?: string;
}

export class Controller extends EventEmitter<ControllerEvents> {
  private state: CoreState;
  private hellos: { agentId: string; host: HostFacts }[] = [];
  private readonly connected = new Set<string>();
  private readonly logOnce = new LogOnce();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private last: Snapshot;
  private stopped = false;
  /** Decisions in a row whose write failed (wholly or in part), for the line that says writing works again. */
  private failedWrites = 0;
  /** How long decisions take (read, decide, write) and how late the event loop runs, for status. */
  readonly perf = new PerfWindow();

  constructor(
    private readonly config: DirectorConfig,
    private readonly table: KernelTable,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    super();
    this.state = initialState(config.core, now());
    this.last = { at: now(), state: this.state, dests: [], services: [], connected: this.connected, decided: false };
  }

  onHello(agentId: string, host: HostFacts): void {
    this.hellos.push({ agentId, host });
    this.connected.add(agentId);
  }

  /** Takes a report in at once (receive.ts): its agent's smoothing moves now, not inside the next decision. */
  onReport(agentId: string, report: ReceivedReport['report'], receivedAt: number): void {
    for (const e of receiveReport(this.config.core, this.state, { agentId, receivedAt, report })) this.logEvent(e);
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
    this.perf.stop();
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
    const startedAt = performance.now();
    let kernel;
    try {
      kernel = await this.table.read();
      if (this.last.lastReadError !== undefined) {
        const { lastReadError: _gone, ...rest } = this.last;
        this.last = rest;
      }
      if (this.logOnce.clear('read')) this.log.info(`reading the table works again (${this.table.description})`);
    } catch (err) {
      this.last = { ...this.last, lastReadError: describeError(err) };
      if (this.logOnce.shouldLog('read', describeError(err))) {
        this.log.error({ err: describeError(err) }, `cannot read the table, no decision until it can be read: ${describeError(err)}`);
      }
      return;
    }
    const hellos = this.hellos;
    this.hellos = [];
    const result = advance(this.config.core, this.state, { now: this.now(), hellos, kernel });
    this.state = result.state;
    if (result.steps.length === 0) return;
    if (result.steps.length > 1) {
      const instants = result.steps.map((s) => s.instant);
      this.log.warn(
        { event: 'caught-up', instants },
        `decided ${result.steps.length} grid instants at once (this decision ran ${Math.round(this.now() - (instants[0] ?? 0) - this.config.core.decisions.settleMs)} ms late): the table gets the last`,
      );
    }
    for (const s of result.steps) this.explainEvents(s);
    let lastWriteError: string | undefined;
    const changed = result.dests.filter((d) => d.changed && d.present);
    let landed: ReadonlySet<string> = new Set();
    try {
      const out = await this.table.write(result.dests, result.services);
      landed = this.landed(changed);
      if (out.failed.length > 0) {
        const err = new IpvsApplyError(out.failed.map((f) => f.line), out.failed.map((f) => `${f.line}: ${f.reason}`).join('; '));
        lastWriteError = describeError(err);
        this.writeFailed(lastWriteError, err.code, changed, landed, out.failed);
      }
    } catch (err) {
      lastWriteError = describeError(err);
      this.writeFailed(lastWriteError, undefined, changed, landed, []);
    }
    // Only what reached the kernel is told as a change; what did not is in the failure, said once.
    for (const s of result.steps) this.explainChanges(s, landed);
    if (lastWriteError === undefined && this.logOnce.clear('write')) {
      this.log.info({ failedDecisions: this.failedWrites }, `writing the table works again (${this.failedWrites} decision(s) before this one did not get their changes in)`);
      this.failedWrites = 0;
    }
    this.last = { at: this.now(), state: this.state, dests: result.dests, services: result.services, connected: new Set(this.connected), decided: true, ...(lastWriteError ? { lastWriteError } : {}) };
    for (const s of result.steps) this.emit('decided', s);
    this.perf.recordDecision(performance.now() - startedAt);
  }

  /** The changed destinations whose weight the table holds now, as read back after the write (`service/destId`). */
  private landed(changed: readonly DestDecision[]): ReadonlySet<string> {
    const table = this.table.lastTable;
    return new Set(changed.filter((d) => table.services.get(d.serviceId)?.dests.get(d.destId)?.weight === d.weight).map((d) => `${d.service}/${d.destId}`));
  }

  /**
   * A write that failed, wholly or in part: said once while the same changes fail for the same reason (they are tried
   * again at every decision), counted until writing works again.
   */
  private writeFailed(error: string, code: string | undefined, changed: readonly DestDecision[], landed: ReadonlySet<string>, lines: readonly { line: string; reason: string }[]): void {
    this.failedWrites++;
    const missed = changed.filter((d) => !landed.has(`${d.service}/${d.destId}`));
    const signature = `${missed.map((d) => `${d.service}/${d.destId}`).join(',')}|${error.replace(/-w \d+/g, '-w N')}`;
    if (!this.logOnce.shouldLog('write', signature)) return;
    const fields = { ...(code ? { code } : {}), failed: missed.map((d) => ({ dest: `${d.service}/${d.destId}`, from: d.weightBefore, to: d.weight })), lines: lines.length };
    this.log.error(fields, `${missed.length} change(s) did not reach the table: ${error} (tried again at every decision; said again when what fails changes)`);
  }

  /** Events of a decision (agents, destinations, sorry servers), as they happen. */
  private explainEvents(result: DecidedStep): void {
    for (const e of result.events) this.logEvent(e);
  }

  private logEvent(e: CoreEvent): void {
    const level = e.kind === 'alarm' ? 'error' : e.kind === 'agent-stale' || e.kind === 'dest-absent' || e.kind === 'service-missing' || e.kind === 'external-edit' || e.kind === 'sorry-on' ? 'warn' : 'info';
    this.log[level]({ event: e.kind, service: e.service, dest: e.destId, agentId: e.agentId }, e.message);
  }

  /** One line per weight change that landed; holds (waiting, blackout, stale, missing input) once when they start. */
  private explainChanges(result: DecidedStep, landed: ReadonlySet<string>): void {
    // The grid instant the decision belongs to: the same on every director fed by the same reports.
    const instant = result.instant;
    for (const d of result.dests) {
      const key = `${d.service}/${d.destId}`;
      if (d.weight !== d.weightBefore && landed.has(key)) {
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
