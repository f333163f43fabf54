// Starts a whole director: the agents' WebSocket server, the controller on its interval, the table, the status endpoint.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describeError } from '../shared/errors.js';
import { logHealth, type Logger } from '../shared/logging.js';
import { AgentServer } from './agents/agent-server.js';
import type { DirectorConfig } from './config/director-config.js';
import { Controller } from './controller.js';
import { DryRunDriver } from './kernel/ipvs/dry-run-driver.js';
import { IpvsadmDriver } from './kernel/ipvs/ipvsadm-driver.js';
import type { IpvsDriver } from './kernel/ipvs/driver.js';
import { configuredTable, KernelTable } from './kernel/kernel-table.js';
import { TableWarningsWatch } from './kernel/table-warnings-watch.js';
import { TemplateSetting } from './kernel/template-setting.js';
import { StatusServer } from './status-server.js';
import { buildStatus, type DirectorStatus } from './status-view.js';

export interface RunningDirector {
  readonly controller: Controller;
  readonly agentPort: number;
  /** Undefined when the status endpoint is disabled. */
  readonly statusPort: number | undefined;
  status(): DirectorStatus;
  stop(): Promise<void>;
}

export interface DirectorOptions {
  /** Overrides the config's dryRun. */
  readonly dryRun?: boolean;
  /** A driver to use instead of ipvsadm or the dry run (the demo's shared table). */
  readonly driver?: IpvsDriver;
}

export async function startDirector(config: DirectorConfig, log: Logger, opts: DirectorOptions = {}): Promise<RunningDirector> {
  const dryRun = opts.dryRun ?? config.dryRun;
  const driver = opts.driver ?? (dryRun ? new DryRunDriver(configuredTable(config), log) : new IpvsadmDriver({ binary: config.ipvsadm, timeoutMs: config.ipvs.timeout, log }));
  const table = new KernelTable(config, driver);
  // The wall clock: decisions fall on its grid and reports are timed by the agents' wall clocks (core/advance.ts).
  const now = (): number => Date.now();
  const started = now();
  const controller = new Controller(config, table, log, now);
  // The kernel settings the config asks for go in before the first decision; warnings are looked for after each read.
  const template = new TemplateSetting(config.procRoot, config.ipvs.expireQuiescentTemplate, log, dryRun);
  template.apply();
  const tableWarnings = new TableWarningsWatch(config.core.services, config.procRoot, log);
  controller.on('decided', () => {
    // A listener's throw would reject the controller's decision: whatever goes wrong here is logged, never raised.
    try {
      if (!template.settled) template.apply();
      tableWarnings.update(table.lastTable);
    } catch (err) {
      log.error({ err: describeError(err) }, `persistence check failed: ${describeError(err)}`);
    }
  });
  const directorId = config.id || hostname();
  const agents = new AgentServer({
    host: config.listen.host,
    port: config.listen.port,
    ...(config.tls ? { tls: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
    tokens: config.tokens,
    directorId,
    reportIntervalMs: config.reportIntervalMs,
    log,
    now,
    limits: { maxConnections: config.listen.maxConnections, maxConnectionsPerAddress: config.listen.maxConnectionsPerAddress },
  });
  agents.on('hello', (id, hello) => controller.onHello(id, hello.host));
  agents.on('report', (id, report, at) => controller.onReport(id, report, at));
  agents.on('disconnect', (id) => controller.onDisconnect(id));
  const status = (): DirectorStatus => {
    const s = buildStatus(directorId, table.description, (now() - started) / 1000, config.core, controller.snapshot(), tableWarnings.current(), { nowMs: now(), stuckAfterMs: config.status.stuckAfter });
    const logged = logHealth();
    return { ...s, ...(logged.failedWrites > 0 ? { log: logged } : {}), perf: controller.perf.status() };
  };
  const statusServer = new StatusServer(status);
  const agentPort = await agents.start();
  let statusPort: number | undefined;
  try {
    statusPort = config.status.enabled ? await statusServer.start(config.status.host, config.status.port) : undefined;
  } catch (err) {
    await agents.stop();
    throw err;
  }
  controller.start();
  const services = config.core.services.map((s) => `${s.name} (${s.serviceId}, ${s.realServers.length} real servers, ${s.mode} mode)`).join('; ');
  log.info(
    { agentPort, statusPort, table: table.description },
    `director ${directorId} listening for agents on ${config.listen.host}:${agentPort}, weights to ${table.description}; ${services}`,
  );
  return {
    controller,
    agentPort,
    statusPort,
    status,
    async stop() {
      await controller.stop();
      await agents.stop();
      await statusServer.stop();
    },
  };
}
