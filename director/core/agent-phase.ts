// Where each agent stands (waiting, blackout, live, stale), with the times the explanations quote.
import type { CoreSettings } from './core-config.js';
import type { AgentPhase, AgentState } from './state.js';

export type { AgentPhase } from './state.js';

/** An agent's phase, with what is known only in that phase: how long the blackout lasts, how long it has been silent. */
export type AgentStanding =
  | { readonly phase: 'waiting' }
  | { readonly phase: 'blackout'; readonly blackoutLeftMs: number }
  | { readonly phase: 'live' }
  | { readonly phase: 'stale'; readonly silentMs: number };

export function agentStanding(a: AgentState, now: number, settings: CoreSettings): AgentStanding {
  const { lastReportAt, liveSince } = a;
  if (lastReportAt === undefined || liveSince === undefined) return { phase: 'waiting' };
  if (now - lastReportAt >= settings.staleAfterMs) return { phase: 'stale', silentMs: now - lastReportAt };
  if (now - liveSince < settings.smoothing.blackoutMs) return { phase: 'blackout', blackoutLeftMs: liveSince + settings.smoothing.blackoutMs - now };
  return { phase: 'live' };
}

export function agentPhase(a: AgentState, now: number, settings: CoreSettings): AgentPhase {
  return agentStanding(a, now, settings).phase;
}
