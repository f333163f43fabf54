// A real agent and one DirectorLink of it, with the link's timings made short, for tests against test servers.
import { Agent } from '../../agent/agent.js';
import { agentConfigFromData } from '../../agent/config.js';
import { AGENT_DEFAULTS } from '../../agent/defaults.js';
import { DirectorLink } from '../../agent/director-link.js';
import type { Logger } from '../../shared/logging.js';
import { fixturePath } from './paths.js';

export type LinkSettings = typeof AGENT_DEFAULTS.link;

/** The shipped link settings with chosen ones changed (the link takes them as its last constructor argument). */
export function linkSettings(changes: Partial<LinkSettings>): LinkSettings {
  return { ...AGENT_DEFAULTS.link, ...changes };
}

/** An agent reading the web-80 fixture proc root; `config` adds or replaces keys of its config file. */
export function fixtureAgent(log: Logger, config: Record<string, unknown> = {}): Agent {
  const data = { id: 'web1', procRoot: fixturePath('proc', 'web-80'), ports: [80], ...config };
  return new Agent(agentConfigFromData(data, 'test', fixturePath('agent'), () => 'unused'), log);
}

/** One link from `agent` to `url`, started; the caller stops it. */
export function startLink(agent: Agent, url: string, token: string, log: Logger, settings: LinkSettings): DirectorLink {
  const link = new DirectorLink({ url, token, tokenSource: 'test' }, agent, agent.config.reportIntervalMs, log, settings);
  link.start();
  return link;
}
