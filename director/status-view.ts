// The status view: what the director knows about every real server, as JSON for tools and as a table for people.
import type { CoreSettings } from './core/core-config.js';
import { fmt } from './core/explain.js';
import { agentPhase } from './core/agent-phase.js';
import { destKey } from './core/state.js';
import type { Snapshot } from './controller.js';
import type { TableFinding } from './kernel/table-findings.js';
import type { LogHealth } from '../shared/logging.js';
import type { PerfStatus } from './perf-window.js';

export interface DestStatus {
  readonly service: string;
  readonly dest: string;
  readonly agent: string;
  readonly agentState: string;
  readonly connected: boolean;
  /** Seconds since the agent's last report, when it has reported. */
  readonly lastReportAgeS?: number;
  /** Sequence number of the last report the shown decision took in, when it has reported. */
  readonly lastReportSeq?: number;
  readonly present: boolean;
  readonly weight: number;
  readonly target?: number;
  readonly upper: number;
  readonly lower: number;
  readonly cpuUtilPct?: number;
  readonly memAvailablePct?: number;
  readonly capacity?: number;
  /** Connections per second the destination completes, as the director derives it from the kernel's counters (smoothed). */
  readonly kernelRate?: number;
  readonly activeConns?: number;
  readonly reason: string;
}

export interface ServiceStatus {
  readonly name: string;
  readonly serviceId: string;
  readonly sorryActive: boolean;
  readonly alarm: boolean;
  /** Real servers by their agent's state (waiting, blackout, live, stale), and `absent` from the table: all of them. */
  readonly counts: Readonly<Record<string, number>>;
  readonly dests: readonly DestStatus[];
}

/** A condition the director runs on with but an admin should know of: a code from docs/errors.md and one line. */
export interface StatusWarning {
  readonly code: string;
  readonly service: string;
  readonly message: string;
}

export interface DirectorStatus {
  readonly directorId: string;
  readonly table: string;
  readonly uptimeS: number;
  /** When the last decision was made (ISO time), absent before the first. */
  readonly lastDecisionAt?: string;
  /** Seconds since the last decision (since start, before the first). */
  readonly lastDecisionAgeS: number;
  /** False when the controller is stuck: no decision for longer than the stuck time. */
  readonly healthy: boolean;
  /** Why it is not healthy, in words. */
  readonly unhealthy?: string;
  readonly lastWriteError?: string;
  /** Log lines the director could not write (its log destination refused them), when there were any. */
  readonly log?: LogHealth;
  /** How long decisions take and how late the event loop runs (perf-window.ts). */
  readonly perf?: PerfStatus;
  readonly warnings: readonly StatusWarning[];
  readonly services: readonly ServiceStatus[];
}

/** The clock as status sees it: now, and how long without a decision counts as stuck. */
export interface StatusClock {
  readonly nowMs: number;
  readonly stuckAfterMs: number;
}

/** Whether the controller is deciding: the age of the last decision against the stuck time. */
export function healthOf(snap: Snapshot, clock: StatusClock): Pick<DirectorStatus, 'lastDecisionAt' | 'lastDecisionAgeS' | 'healthy' | 'unhealthy'> {
  const ageMs = Math.max(0, clock.nowMs - snap.at);
  const at = snap.decided ? { lastDecisionAt: new Date(snap.at).toISOString() } : {};
  const ageS = Math.round(ageMs / 100) / 10;
  if (ageMs <= clock.stuckAfterMs) return { ...at, lastDecisionAgeS: ageS, healthy: true };
  const why = `${snap.decided ? 'no decision' : 'no decision yet'} for ${Math.round(ageMs / 1000)}s (stuck after ${Math.round(clock.stuckAfterMs / 1000)}s)${snap.lastWriteError ? `; last write: ${snap.lastWriteError}` : ''}${snap.lastReadError ? `; table read: ${snap.lastReadError}` : ''}`;
  return { ...at, lastDecisionAgeS: ageS, healthy: false, unhealthy: why };
}

/** The per-server part of the status, built once per decision (a snapshot) however often status is asked for. */
const servicesOf = new WeakMap<Snapshot, readonly ServiceStatus[]>();

export function buildStatus(directorId: string, table: string, uptimeS: number, core: CoreSettings, snap: Snapshot, findings: readonly TableFinding[], clock: StatusClock): DirectorStatus {
  let services = servicesOf.get(snap);
  if (services === undefined) {
    services = serviceStatuses(core, snap);
    servicesOf.set(snap, services);
  }
  const warnings = findings.map((f) => ({ code: f.code, service: f.service, message: f.message }));
  const health = healthOf(snap, clock);
  return { directorId, table, uptimeS: Math.round(uptimeS), ...health, ...(snap.lastWriteError ? { lastWriteError: snap.lastWriteError } : {}), warnings, services };
}

function serviceStatuses(core: CoreSettings, snap: Snapshot): ServiceStatus[] {
  const decided = new Map(snap.services.map((s) => [s.service, s]));
  return core.services.map((svc): ServiceStatus => {
    const sd = decided.get(svc.name);
    // The core's state holds every configured destination and agent from the first decision on.
    const dests = svc.realServers.flatMap((rs): DestStatus[] => {
      const d = snap.state.dests[destKey(svc.name, rs.id)];
      const a = snap.state.agents[rs.agentId];
      if (d === undefined || a === undefined) return [];
      const round = (v: number | undefined) => (v === undefined ? undefined : Number(fmt(v)));
      // An object with one computed key k is a Record<K, V>; TypeScript widens computed keys to string, hence the cast.
      const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, V>));
      const status: DestStatus = {
        service: svc.name,
        dest: rs.id,
        agent: rs.agentId,
        agentState: agentPhase(a, snap.state.now, core),
        connected: snap.connected.has(rs.agentId),
        ...opt('lastReportAgeS', a.lastReportAt === undefined ? undefined : round((snap.state.now - a.lastReportAt) / 1000)),
        ...opt('lastReportSeq', a.lastSeq),
        present: d.present,
        weight: d.weight,
        ...opt('target', d.target),
        upper: d.upper,
        lower: d.lower,
        ...opt('cpuUtilPct', round(a.smoothed.means.cpu_util_pct)),
        ...opt('memAvailablePct', round(a.smoothed.means.mem_available_pct)),
        ...opt('capacity', round(d.capacity)),
        ...opt('kernelRate', round(d.kernelRate)),
        ...opt('activeConns', d.activeConns),
        reason: d.reason,
      };
      return [status];
    });
    const counts: Record<string, number> = {};
    for (const d of dests) {
      const k = d.present ? d.agentState : 'absent';
      counts[k] = (counts[k] ?? 0) + 1;
    }
    return { name: svc.name, serviceId: svc.serviceId, sorryActive: sd?.sorryActive ?? false, alarm: sd?.alarm ?? false, counts, dests };
  });
}

function pad(cells: string[][]): string {
  const widths = (cells[0] ?? []).map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** A fixed-width table, one row per real server, the reason last so it may run long. */
export function renderStatus(s: DirectorStatus): string {
  const out: string[] = [`director ${s.directorId} — weights to ${s.table}, up ${s.uptimeS}s, last decision ${s.lastDecisionAt === undefined ? 'none yet' : `${s.lastDecisionAgeS}s ago`}${s.lastWriteError ? ` — LAST WRITE FAILED: ${s.lastWriteError}` : ''}`];
  if (!s.healthy) out.push(`STUCK: ${s.unhealthy ?? 'no recent decision'}`);
  if (s.log) out.push(`LOG: ${s.log.failedWrites} line(s) could not be written${s.log.lastError ? ` (${s.log.lastError})` : ''}`);
  for (const w of s.warnings) out.push(`WARNING ${w.code}: ${w.message}`);
  const p = s.perf?.last ?? s.perf?.current;
  if (p && p.decisions > 0) out.push(`decisions over ${p.windowS}s: ${p.decisions}, p99 ${p.decisionMsP99} ms, max ${p.decisionMsMax} ms; event-loop delay p99 ${p.loopDelayMsP99 ?? '-'} ms`);
  for (const svc of s.services) {
    const flags = [svc.sorryActive ? 'SORRY SERVER IN' : '', svc.alarm ? 'ALARM: no usable destination' : ''].filter(Boolean).join(', ');
    const counts = Object.entries(svc.counts).map(([k, n]) => `${n} ${k}`).join(', ');
    out.push('', `${svc.name} (${svc.serviceId})${flags ? ` — ${flags}` : ''}${counts ? ` — ${counts}` : ''}`);
    if (svc.dests.length === 0) continue;
    const rows = [['real server', 'agent', 'state', 'cpu', 'mem free', 'capacity', 'weight', 'target', '-x/-y', 'reason']];
    for (const d of svc.dests) {
      rows.push([
        d.dest,
        d.agent,
        d.present ? `${d.agentState}${d.connected ? '' : ' (off)'}` : 'ABSENT',
        d.cpuUtilPct === undefined ? '-' : `${d.cpuUtilPct}%`,
        d.memAvailablePct === undefined ? '-' : `${d.memAvailablePct}%`,
        d.capacity === undefined ? '-' : `${d.capacity}/s`,
        String(d.weight),
        d.target === undefined ? '-' : String(d.target),
        d.upper === 0 ? '-' : `${d.upper}/${d.lower}`,
        d.reason,
      ]);
    }
    out.push(pad(rows));
  }
  return `${out.join('\n')}\n`;
}
