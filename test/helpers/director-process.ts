// A real director process in dry run from a config given as data: its ports, its status, and the lines it logged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DirectorStatus } from '../../director/status-view.js';
import { jsonLines, type LogLine } from './log-lines.js';
import { startCli, type RunningCli } from './processes.js';

export interface DirectorProcess {
  readonly cli: RunningCli;
  readonly agentUrl: string;
  readonly statusUrl: string;
}

/**
 * Writes `config` to `<dir>/<name>.json` and starts `lvs-feedback director --dry-run` on it (with `env` added to the
 * environment); resolves once it listens.
 */
export async function startDirectorProcess(dir: string, name: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<DirectorProcess> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const cli = startCli(['director', '--config', file, '--dry-run'], env);
  const line = await cli.waitForStderr(/"agentPort":\d+,"statusPort":\d+/);
  const [, a, s] = /"agentPort":(\d+),"statusPort":(\d+)/.exec(line)!;
  return { cli, agentUrl: `ws://127.0.0.1:${a}`, statusUrl: `http://127.0.0.1:${s}/status` };
}

export async function statusOf(d: DirectorProcess): Promise<DirectorStatus> {
  return (await (await fetch(d.statusUrl)).json()) as DirectorStatus;
}

/** The director's log lines in stderr from byte `from` (a length of stderr taken earlier), up to the last whole line. */
export function logSince(d: DirectorProcess, from = 0): LogLine[] {
  const err = d.cli.stderr();
  return jsonLines(err.slice(from, err.lastIndexOf('\n') + 1));
}

/** The weight changes a director logged for `service`, per grid instant: `instant → dest=weight …`. */
export function changesByInstant(lines: readonly LogLine[], service: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lines) {
    const { instant, dest, to } = l as { instant?: number; dest?: string; to?: number };
    if (l.service !== service || typeof instant !== 'number' || typeof to !== 'number') continue;
    out.set(instant, [out.get(instant), `${dest}=${to}`].filter(Boolean).join(' '));
  }
  return out;
}
