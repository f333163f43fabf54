// The cluster the fuzz suite runs: honest agents behind one service, rogue agents (with tokens) behind a decoy one.
import type { Rogue } from './attack-lanes.js';

export const HONEST = ['h1', 'h2', 'h3'] as const;
/** The address the honest agents connect from; attackers use 127.1.0.0 and up (and, now and then, this one: a NAT). */
export const HONEST_ADDRESS = '127.0.0.1';
/** An honest agent that first connects after the attack, from an address no attacker used. */
export const NEWCOMER = { id: 'newcomer', address: '127.0.0.2' } as const;
export const ROGUE_COUNT = 40;
export const ROGUES: readonly Rogue[] = Array.from({ length: ROGUE_COUNT }, (_, i) => ({ id: `r${i}`, token: `rogue-token-${i}-0123456789`, address: `127.0.1.${i + 1}` }));

export const tokenOf = (id: string): string => `honest-token-${id}-0123456789`;

export const CONTROL_INTERVAL_MS = 500;
export const SETTLE_MS = 500;
/** The smoothing window: the honest reports start on a multiple of it, so both directors' windows line up with them. */
export const WINDOW_MS = 4_000;

/** The director config (dry run, loopback, ports chosen by the system). */
export function fuzzDirectorConfig(): Record<string, unknown> {
  return {
    id: 'fuzz-director',
    listen: { host: '127.0.0.1', port: 0 },
    status: { host: '127.0.0.1', port: 0 },
    dryRun: true,
    logLevel: 'info',
    reportInterval: '500ms',
    controlInterval: `${CONTROL_INTERVAL_MS}ms`,
    settle: `${SETTLE_MS}ms`,
    smoothing: { timeConstant: '1s', blackout: '1s', window: `${WINDOW_MS}ms` },
    staleAfter: '3s',
    agents: [...HONEST.map((id) => ({ id, token: tokenOf(id) })), { id: NEWCOMER.id, token: tokenOf(NEWCOMER.id) }, ...ROGUES.map((r) => ({ id: r.id, token: r.token }))],
    services: [
      {
        name: 'web',
        address: '10.0.0.1',
        port: 80,
        mode: 'expression',
        expression: 'base_weight * (100 - cpu_util_pct) / 100',
        damping: { minInterval: '1s', maxStep: 25, deadband: 5, slowStart: '2s' },
        realServers: HONEST.map((id, i) => ({ address: `10.0.1.${11 + i}`, agent: id, weight: 100 })),
      },
      {
        // Capacity mode: the rogues' claims (huge rates, huge intervals, edge numbers) go through the capacity law.
        name: 'decoy',
        address: '10.0.0.2',
        port: 80,
        mode: 'capacity',
        realServers: [...ROGUES.map((r, i) => ({ address: `10.0.2.${i + 1}`, agent: r.id, weight: 100 })), { address: '10.0.3.1', agent: NEWCOMER.id, weight: 100 }],
      },
    ],
  };
}
