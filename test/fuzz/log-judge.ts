// Sorts what the attacked director logged during the attack into its budgets, and says which budget was overrun.
import { DIRECTOR_DEFAULTS } from '../../director/defaults.js';
import type { LogLine } from '../helpers/log-lines.js';
import { CONTROL_INTERVAL_MS, ROGUES } from './fuzz-cluster.js';

/** Longest line allowed (a refusal line is cut short; a decision line says its reason). */
export const MAX_LINE_BYTES = 1_024;
/** A table write (dry run) has a line per destination written: at most every destination of the config. */
const MAX_TABLE_WRITE_BYTES = 128 * (3 + ROGUES.length + 1) + 128;
const maxBytesOf = (k: string): number => (k === 'table-write' ? MAX_TABLE_WRITE_BYTES : MAX_LINE_BYTES);

export interface LogVerdict {
  readonly counts: Record<string, number>;
  readonly allowed: Record<string, number>;
  /** What went over its budget (a class of lines, a line too long, a line no budget accounts for). */
  readonly overBudget: string[];
  /** The most bytes the budgets allow together. */
  readonly boundBytes: number;
}

const ROGUE_IDS = new Set(ROGUES.map((r) => r.id));
const REFUSAL = /^refused (message from|a connection:)/;
const HELD_BACK = /more refusal\(s\) not logged/;

/** Which budget a line of the attacked director belongs to. */
function classOf(l: LogLine): string {
  if (REFUSAL.test(l.msg)) return 'refusal';
  if (HELD_BACK.test(l.msg)) return 'held-back';
  if (l.service === 'decoy' || (typeof l.agentId === 'string' && ROGUE_IDS.has(l.agentId))) return 'rogue';
  if (l.service === 'web') return 'honest';
  if (l.event === 'caught-up') return 'caught-up';
  if (l.msg.startsWith('dry run, would run ipvsadm')) return 'table-write';
  return 'unaccounted';
}

/**
 * The budgets, over an attack of `attackMs`: refusal lines 20 per 10 s window (windows are at least 10 s long, and the
 * attack may start inside one: +2), one held-back line per window; the rogue agents (who hold tokens) a few lines per
 * session they open (connected, disconnected, replaced) and, for their decoy servers, a change and a hold line per
 * decision instant; the honest service what the twin logged; a caught-up line and a table write per instant at most.
 */
export function judgeLog(lines: readonly LogLine[], twinLines: readonly LogLine[], o: { attackMs: number; rogueSessions: number }): LogVerdict {
  const A = DIRECTOR_DEFAULTS.agents;
  const windows = Math.floor(o.attackMs / A.refusalLogIntervalMs) + 2;
  const instants = Math.ceil(o.attackMs / CONTROL_INTERVAL_MS) + 2;
  const allowed: Record<string, number> = {
    refusal: A.refusalLogLines * windows,
    'held-back': windows,
    rogue: 3 * o.rogueSessions + 2 * (ROGUES.length + 1) * instants,
    honest: twinLines.filter((l) => l.service === 'web').length + 3 * 3,
    'caught-up': instants,
    'table-write': instants,
    unaccounted: 0,
  };
  const counts: Record<string, number> = Object.fromEntries(Object.keys(allowed).map((k) => [k, 0]));
  const overBudget: string[] = [];
  for (const l of lines) {
    const k = classOf(l);
    counts[k] = (counts[k] ?? 0) + 1;
    const bytes = Buffer.byteLength(JSON.stringify(l)) + 1;
    if (bytes > maxBytesOf(k)) overBudget.push(`a ${k} line of ${bytes} bytes: ${l.msg.slice(0, 120)}`);
    if (k === 'unaccounted' && overBudget.length < 20) overBudget.push(`a line no budget accounts for: ${l.msg.slice(0, 160)}`);
  }
  for (const [k, n] of Object.entries(counts)) if (n > (allowed[k] ?? 0) && k !== 'unaccounted') overBudget.push(`${n} ${k} lines, over ${allowed[k]}`);
  const boundBytes = Object.entries(allowed).reduce((sum, [k, n]) => sum + n * maxBytesOf(k), 0);
  return { counts, allowed, overBudget, boundBytes };
}
