// `lvs-feedback agent`: run the agent from its config file, or print one report with --once.
import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ConfigInvalidError } from '../shared/errors.js';
import { reportFatal } from '../shared/exit.js';
import { createLogger, LOG_LEVELS } from '../shared/logging.js';
import { CLI_PATH } from '../shared/version.js';
import { Agent } from './agent.js';
import { agentConfigFromData, loadAgentConfig, type AgentConfig } from './config.js';
import { installAgent } from './install.js';
import { collectOnce } from './once.js';

export const DEFAULT_AGENT_CONFIG = '/etc/lvs-feedback/agent.yaml';

const readToken = (path: string): string => readFileSync(path, 'utf8');

function loadConfig(file: string | undefined, once: boolean): AgentConfig {
  // --once works with no config at all: defaults, this host, no plugins.
  if (file === undefined && once && !existsSync(DEFAULT_AGENT_CONFIG)) {
    return agentConfigFromData({}, '(defaults)', process.cwd(), readToken);
  }
  return loadAgentConfig(file ?? DEFAULT_AGENT_CONFIG, readToken);
}

type LogLevel = AgentConfig['logLevel'];

async function runAgent(opts: { config?: string; once?: boolean; logLevel?: LogLevel }): Promise<void> {
  const config = loadConfig(opts.config, Boolean(opts.once));
  const log = createLogger('agent', opts.logLevel ?? config.logLevel);
  if (opts.once) {
    const result = await collectOnce(config, log);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (config.directors.length === 0) {
    throw new ConfigInvalidError(config.source, 'directors', 'list at least one director (or use --once)');
  }
  const agent = new Agent(config, log);
  await agent.start('run');
  log.info(
    { agentId: config.id, directors: config.directors.map((d) => d.url), plugins: config.plugins.map((p) => p.name) },
    `agent ${config.id} started: sampling every ${config.sampleIntervalMs} ms, ${config.directors.length} director(s), ${config.plugins.length} plugin(s)`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, `agent stopping on ${signal}`);
      agent.stop();
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

function installCommand(): Command {
  return new Command('install')
    .description('install this agent as a systemd service: config, token and unit under /etc, then start it')
    .requiredOption('-d, --director <url...>', 'director URL(s), ws://host:7654 or wss://host:7654')
    .option('-t, --token <token>', "this agent's token (written to /etc/lvs-feedback/agent.token, mode 0600)")
    .option('--id <id>', 'agent id (default: the host name)')
    .option('-p, --port <port...>', 'service port(s) to watch (listen queue, established connections)')
    .option('--root <dir>', 'write under this folder instead of / (image builds); never starts the service', '/')
    .option('--no-start', 'write the files but do not enable or start the service')
    .action((opts: { director: string[]; token?: string; id?: string; port?: string[]; root: string; start: boolean }) => {
      try {
        const actions = installAgent({
          root: opts.root,
          directors: opts.director,
          ports: (opts.port ?? []).map(Number),
          start: opts.start,
          nodePath: process.execPath,
          cliPath: CLI_PATH,
          ...(opts.token !== undefined ? { token: opts.token } : {}),
          ...(opts.id !== undefined ? { id: opts.id } : {}),
        });
        for (const line of actions) process.stdout.write(`${line}\n`);
      } catch (err) {
        process.exitCode = reportFatal('agent install', err);
      }
    });
}

export function agentCommand(): Command {
  return new Command('agent')
    .addCommand(installCommand())
    .description('run the agent on a real server: sample load and plugins, report to every director')
    .option('-c, --config <file>', `agent config file (default ${DEFAULT_AGENT_CONFIG})`)
    .option('--once', 'sample for one report interval, print the report as JSON and exit (no director needed)')
    .addOption(new Option('--log-level <level>', 'override the config log level').choices(LOG_LEVELS))
    // commander has checked --log-level against LOG_LEVELS (.choices) before the action runs.
    .action(async (opts: { config?: string; once?: boolean; logLevel?: LogLevel }) => {
      try {
        await runAgent(opts);
      } catch (err) {
        process.exitCode = reportFatal('agent', err);
      }
    });
}
