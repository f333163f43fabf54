// Builders for director tests: a validated config from a few overrides, and reports shaped like a real agent's.
import { directorConfigFromData } from '../../director/config/load.js';
import type { DirectorConfig } from '../../director/config/director-config.js';
import type { ReceivedReport } from '../../director/core/observation.js';
import type { ReportMessage } from '../../shared/protocol/messages.js';

export const TOKEN = 'test-token-0123456789';

/** Three real servers (agents a1..a3) behind tcp:10.0.0.1:80, with any service-level overrides. */
export function threeServerConfig(service: Record<string, unknown> = {}, top: Record<string, unknown> = {}): DirectorConfig {
  return directorConfigFromData(
    {
      agents: ['a1', 'a2', 'a3'].map((id) => ({ id, token: TOKEN })),
      services: [
        {
          name: 'web',
          address: '10.0.0.1',
          port: 80,
          realServers: [
            { address: '10.0.1.11', agent: 'a1', weight: 100 },
            { address: '10.0.1.12', agent: 'a2', weight: 100 },
            { address: '10.0.1.13', agent: 'a3', weight: 100 },
          ],
          ...service,
        },
      ],
      ...top,
    },
    'test',
    '/',
  );
}

let seq = 0;

/** A report as an agent sends it: each metric's mean (min = max = mean, n = 2). */
export function report(agentId: string, receivedAt: number, metrics: Record<string, number>, intervalMs = 2_000): ReceivedReport {
  const msg: ReportMessage = {
    type: 'report',
    seq: seq++,
    // The test clock stands for the wall clock: the agent's clock agrees with the director's.
    ts: receivedAt,
    intervalMs,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, { mean: v, min: v, max: v, n: 2 }])),
    plugins: {},
  };
  return { agentId, receivedAt, report: msg };
}
