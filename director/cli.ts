// `lvs-feedback director` (run it, or check its config) and `lvs-feedback status` (what a running director knows).
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { renderUnit } from '../shared/systemd-unit.js';
import { StatusQueryError, StatusUnreachableError } from './errors.js';
import { reportFatal } from '../shared/exit.js';
import { createLogger, LOG_LEVELS } from '../shared/logging.js';
import { CLI_PATH } from '../shared/version.js';
import { DIRECTOR_DEFAULTS } from './defaults.js';
import type { DirectorStatus } from './status-view.js';

export const DEFAULT_DIRECTOR_CONFIG = '/etc/lvs-feedback/director.yaml';

// The director's modules (config schema, mathjs, the core) load only when a director command runs, so the agent,
// which shares this CLI, does not carry them in memory.
type LogLevel = (typeof LOG_LEVELS)[number];

async function runDirector(opts: { config: string; dryRun?: boolean; logLevel?: LogLevel }): Promise<void> {
  const { loadDirectorConfig } = await import('./config/load.js');
  const { startDirector } = await import('./director.js');
  const config = loadDirectorConfig(opts.config);
  const log = createLogger('director', opts.logLevel ?? config.logLevel);
  const director = await startDirector(config, log, opts.dryRun ? { dryRun: true } : {});
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, `director stopping on ${signal}`);
      void director.stop().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** The director's unit: runs as root with only the capability ipvsadm needs. */
export function directorUnit(configPath: string): string {
  return renderUnit({
    description: 'lvs-feedback director: load feedback to IPVS weights',
    execStart: [process.execPath, CLI_PATH, 'director', '--config', configPath],
    extraService: [
      '# ipvsadm needs CAP_NET_ADMIN (and reads /proc/net/ip_vs).',
      'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE',
      '# One file per agent connection: room for agents.maxConnections and more.',
      `LimitNOFILE=${DIRECTOR_DEFAULTS.unitOpenFiles}`,
    ],
  });
}

export function directorCommand(): Command {
  const cmd = new Command('director')
    .description('run the director: accept agents, decide weights, write them to the IPVS table')
    .option('-c, --config <file>', 'config file', DEFAULT_DIRECTOR_CONFIG)
    .option('--dry-run', 'decide and log the exact ipvsadm lines, but write nothing to the kernel')
    .option('--check', 'validate the config (keys, agents, expressions), warn of kernel settings that defeat it (persistence, -o under a connection-counting scheduler), and exit: 0 when good, 78 when not')
    .option('--print-unit', 'print a systemd unit for this director (redirect it to /etc/systemd/system/lvs-feedback-director.service)')
    .addOption(new Option('--log-level <level>', 'override the config’s log level').choices(LOG_LEVELS))
    // commander hands over what the options declare: --log-level is limited to LOG_LEVELS by its choices.
    .action(async (opts: { config: string; dryRun?: boolean; check?: boolean; printUnit?: boolean; logLevel?: LogLevel }) => {
      try {
        if (opts.printUnit) {
          process.stdout.write(directorUnit(resolve(opts.config)));
          return;
        }
        if (opts.check) {
          const { loadDirectorConfig } = await import('./config/load.js');
          const config = loadDirectorConfig(opts.config);
          const dests = config.core.services.reduce((n, s) => n + s.realServers.length, 0);
          process.stdout.write(`${opts.config}: ok — ${config.core.services.length} service(s), ${dests} real server(s), ${config.tokens.size} agent(s)\n`);
          // The kernel as it is now: warnings do not change the exit status (the config is good).
          const { kernelCheckLines } = await import('./kernel/kernel-check.js');
          for (const line of await kernelCheckLines(config)) process.stdout.write(`${opts.config}: ${line}\n`);
          return;
        }
        await runDirector(opts);
      } catch (err) {
        process.exitCode = reportFatal('director', err);
      }
    });
  return cmd;
}

export function statusCommand(): Command {
  const d = DIRECTOR_DEFAULTS.status;
  return new Command('status')
    .description('show what a running director knows: agents, smoothed inputs, weights and why')
    .option('-u, --url <url>', 'the director’s status endpoint', `http://${d.host}:${d.port}/status`)
    .option('--json', 'print the raw JSON')
    .option('--service <name>', 'only this virtual service')
    .option('--agent <id>', 'only the real servers of this agent')
    .option('--state <state>', 'only real servers whose agent is waiting, blackout, live or stale, or absent from the table')
    .option('--limit <n>', 'at most this many real servers')
    .option('--summary', 'counts per service and state instead of the real servers')
    .action(async (opts: { url: string; json?: boolean; service?: string; agent?: string; state?: string; limit?: string; summary?: boolean }) => {
      try {
        // The filter is the endpoint's (status-query.ts): at 10,000 servers only what is asked for crosses the wire.
        const url = new URL(opts.url);
        for (const key of ['service', 'agent', 'state', 'limit'] as const) if (opts[key] !== undefined) url.searchParams.set(key, opts[key]);
        if (opts.summary) url.searchParams.set('summary', '1');
        const res = await fetch(url, { signal: AbortSignal.timeout(DIRECTOR_DEFAULTS.statusClientTimeoutMs) }).catch((err: Error) => {
          // fetch's TypeError carries the socket's error (ECONNREFUSED, …) as its cause.
          throw new StatusUnreachableError(opts.url, (err.cause as Error | undefined)?.message ?? err.message);
        });
        if (res.status === 400) throw new StatusQueryError(((await res.json()) as { message?: string }).message?.replace(/^status query: /, '') ?? 'refused');
        // The endpoint is a director's own buildStatus(), of the same version as this command.
        const body = (await res.json()) as DirectorStatus;
        const { renderStatus } = await import('./status-view.js');
        process.stdout.write(opts.json ? `${JSON.stringify(body, null, 2)}\n` : renderStatus(body));
      } catch (err) {
        process.exitCode = reportFatal('status', err);
      }
    });
}
