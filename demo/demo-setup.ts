// The demo's cluster on loopback: a director config in dry-run mode and three agent configs, written to a folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../shared/version.js';

export const DEMO_AGENTS = ['web1', 'web2', 'web3'] as const;
export type DemoAgent = (typeof DEMO_AGENTS)[number];

/** Weight from the worse of the real CPU idle and the load the demo writes for each agent. */
export const DEMO_EXPRESSION = 'base_weight * min(cpu_idle_pct, 100 - demo_load_busy_pct) / 100';

const token = (id: string): string => `demo-token-${id}-0123456789`;

export interface DemoSettings {
  /** Director settings that make the demo move within a minute. */
  readonly smoothing: { readonly timeConstant: string; readonly blackout: string; readonly window?: string };
  readonly reportInterval: string;
  readonly controlInterval: string;
  readonly staleAfter: string;
  readonly damping: Record<string, unknown>;
  readonly expression: string;
}

export const DEMO_SETTINGS: DemoSettings = {
  smoothing: { timeConstant: '4s', blackout: '4s' },
  reportInterval: '1s',
  controlInterval: '1s',
  staleAfter: '3s',
  damping: { minInterval: '2s', slowStart: '20s' },
  expression: DEMO_EXPRESSION,
};

/** The director's config as data (validated by the normal loader). */
export function demoDirectorConfig(settings: DemoSettings = DEMO_SETTINGS): Record<string, unknown> {
  return {
    id: 'demo-director',
    listen: { host: '127.0.0.1', port: 0 },
    status: { host: '127.0.0.1', port: 0 },
    dryRun: true,
    reportInterval: settings.reportInterval,
    controlInterval: settings.controlInterval,
    smoothing: settings.smoothing,
    staleAfter: settings.staleAfter,
    pluginMetrics: ['demo_load_busy_pct'],
    agents: DEMO_AGENTS.map((id) => ({ id, token: token(id) })),
    services: [
      {
        name: 'web',
        address: '10.0.0.1',
        port: 80,
        mode: 'expression',
        expression: settings.expression,
        damping: settings.damping,
        realServers: DEMO_AGENTS.map((id, i) => ({ address: `10.0.1.${11 + i}`, agent: id, weight: 100 })),
        sorryServers: [{ address: '10.0.9.1' }],
      },
    ],
  };
}

/**
 * Writes one agent config per demo agent into `dir`: each reports to the director at `port` and runs the demo-load
 * plugin on its own load file (`<dir>/<id>.load`, 0 to start with). Returns the config paths.
 */
export function writeAgentConfigs(dir: string, port: number): Record<DemoAgent, string> {
  // Filled for every demo agent by the loop below.
  const out = {} as Record<DemoAgent, string>;
  for (const id of DEMO_AGENTS) {
    writeFileSync(join(dir, `${id}.load`), '0\n');
    const file = join(dir, `${id}.yaml`);
    writeFileSync(
      file,
      JSON.stringify({
        id,
        directors: [{ url: `ws://127.0.0.1:${port}`, token: token(id) }],
        sampleInterval: '500ms',
        reportInterval: '1s',
        plugins: [{ name: 'demo_load', module: join(PACKAGE_ROOT, 'demo/demo-load.mjs'), interval: '500ms', timeout: '400ms', options: { file: join(dir, `${id}.load`) } }],
        logLevel: 'warn',
      }),
    );
    out[id] = file;
  }
  return out;
}
