// `lvs-feedback agent --once`: sample for one report interval, run every plugin once, and return the report.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../shared/logging.js';
import type { HostFacts, ReportMessage } from '../shared/protocol/messages.js';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';

export interface OnceResult {
  agentId: string;
  host: HostFacts;
  report: ReportMessage;
}

/** Runs the same sampler, plugins and report builder as the live agent, without any director. */
export async function collectOnce(config: AgentConfig, log: Logger): Promise<OnceResult> {
  const agent = new Agent(config, log);
  const t0 = agent.now();
  await agent.start('once');
  try {
    await Promise.all([sleep(config.reportIntervalMs), agent.pluginsOnce]);
    await agent.settle();
    const hello = agent.hello('-');
    return { agentId: config.id, host: hello.host, report: agent.report(agent.wallNow(), Math.max(1, Math.round(agent.now() - t0)), 0) };
  } finally {
    agent.stop();
  }
}
