// The real director core as a policy: the same config loader, the same pure advance/step functions, fed the model's reports.
import { directorConfigFromData } from '../../director/config/load.js';
import type { CoreSettings } from '../../director/core/core-config.js';
import { advance } from '../../director/core/advance.js';
import { initialState } from '../../director/core/step.js';
import type { CoreState } from '../../director/core/state.js';
import { PACKAGE_ROOT } from '../../shared/version.js';
import type { Scheduler } from '../model/ipvs-scheduler.js';
import { agentId, destId, type Policy } from './policy.js';

export interface CorePolicyOptions {
  readonly name: string;
  readonly scheduler: Scheduler;
  /** Service settings as in the director's config file (mode, expression, damping, capacity, …). */
  readonly service?: Record<string, unknown>;
  /** Top-level settings (smoothing, staleAfter, reportInterval, …). */
  readonly top?: Record<string, unknown>;
  readonly sorry?: boolean;
}

export function corePolicy(servers: number, o: CorePolicyOptions): Policy {
  const config = directorConfigFromData(
    {
      agents: Array.from({ length: servers }, (_, i) => ({ id: agentId(i), token: `simulation-token-${i}-000000` })),
      pluginMetrics: ['postfix_mailq_active', 'postfix_mailq_deferred'],
      ...o.top,
      services: [
        {
          name: 'sim',
          address: '10.0.0.1',
          port: 80,
          realServers: Array.from({ length: servers }, (_, i) => ({ address: `10.0.1.${i + 1}`, agent: agentId(i), weight: 100 })),
          ...(o.sorry ? { sorryServers: [{ address: '10.0.9.1', weight: 1 }] } : {}),
          ...o.service,
        },
      ],
    },
    'simulation',
    PACKAGE_ROOT,
  );
  const settings: CoreSettings = config.core;
  let state: CoreState = initialState(settings, 0);
  return {
    name: o.name,
    scheduler: o.scheduler,
    initialWeights: () => Array.from({ length: servers }, () => 100),
    decide(input) {
      // The model's clock stands for the wall clock: decisions on the same grid as the live director's.
      const r = advance(settings, state, { now: input.now, reports: input.reports, kernel: input.kernel });
      state = r.state;
      if (r.steps.length === 0) return undefined;
      const byId = new Map(r.dests.map((d) => [d.destId, d]));
      const dests = Array.from({ length: servers }, (_, i) => byId.get(destId(i)));
      // Every server is a real server of the config, so the core decides for each; were one missing, nothing changes.
      if (!dests.every((d) => d !== undefined)) return undefined;
      return {
        weights: dests.map((d) => d.weight),
        thresholds: dests.map((d) => ({ upper: d.upper, lower: d.lower })),
        sorry: r.services.some((svc) => svc.sorryActive),
      };
    },
  };
}
