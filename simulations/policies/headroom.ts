// The formulas users write today: weight ∝ CPU idle (feedbackd style), and the loadbalancer.org feedback agent's
// (utilisation = mean of CPU % and RAM %, forced to 100 past a threshold; weight ∝ 100 − utilisation). Both are
// applied as soon as each report arrives, without smoothing or damping, as those tools do.
import type { Scheduler } from '../model/ipvs-scheduler.js';
import { agentId, type Policy, type PolicyInput } from './policy.js';

function fromReports(name: string, scheduler: Scheduler, servers: number, weightOf: (m: Record<string, number>) => number): Policy {
  const current = Array.from({ length: servers }, () => 100);
  return {
    name,
    scheduler,
    initialWeights: () => [...current],
    decide(input: PolicyInput) {
      if (input.reports.length === 0) return undefined;
      for (const r of input.reports) {
        const i = Number(r.agentId.slice(1));
        const m = Object.fromEntries(Object.entries(r.report.metrics).map(([k, v]) => [k, v.mean]));
        if (r.agentId === agentId(i)) current[i] = Math.max(0, Math.min(1000, Math.round(weightOf(m))));
      }
      return { weights: [...current] };
    },
  };
}

/** feedbackd: weight = CPU idle %. */
export function idlePolicy(scheduler: Scheduler, servers: number): Policy {
  return fromReports('weight ∝ CPU idle', scheduler, servers, (m) => Math.max(1, m.cpu_idle_pct ?? 100));
}

/** loadbalancer.org agent: util = mean(CPU %, RAM %), 100 when either passes 90 %; weight = 100 − util. */
export function lbOrgPolicy(scheduler: Scheduler, servers: number): Policy {
  return fromReports('loadbalancer.org agent', scheduler, servers, (m) => {
    const cpu = m.cpu_util_pct ?? 0;
    const ram = 100 - (m.mem_available_pct ?? 100);
    const util = cpu > 90 || ram > 90 ? 100 : (cpu + ram) / 2;
    return Math.max(1, 100 - util);
  });
}
