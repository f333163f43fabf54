// `lvs-feedback agent install`: the real server admin's one command — config, token, systemd unit, started.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { stringify } from 'yaml';
import { PACKAGE_ROOT } from '../shared/version.js';
import { AGENT_NODE_FLAGS } from './defaults.js';
import { renderUnit } from '../shared/systemd-unit.js';
import { agentConfigFromData } from './config.js';

export interface AgentInstallOptions {
  /** Prefix for every path written (tests and image builds use a folder; a real install uses /). */
  readonly root: string;
  readonly directors: readonly string[];
  readonly token?: string;
  readonly id?: string;
  readonly ports: readonly number[];
  /** Enable and start the unit with systemctl (only when root is /). */
  readonly start: boolean;
  /** Absolute paths of node and of this package's CLI, for ExecStart. */
  readonly nodePath: string;
  readonly cliPath: string;
}

export const AGENT_UNIT_NAME = 'lvs-feedback-agent.service';
const CONFIG_DIR = '/etc/lvs-feedback';

/** Writes what is missing and returns one line per action taken, for the admin to read. */
export function installAgent(opts: AgentInstallOptions): string[] {
  const done: string[] = [];
  const at = (p: string): string => join(opts.root, p);
  mkdirSync(at(CONFIG_DIR), { recursive: true });

  const tokenPath = `${CONFIG_DIR}/agent.token`;
  if (opts.token !== undefined) {
    writeFileSync(at(tokenPath), `${opts.token}\n`, { mode: 0o600 });
    chmodSync(at(tokenPath), 0o600);
    done.push(`wrote ${tokenPath} (mode 0600)`);
  }

  const configPath = `${CONFIG_DIR}/agent.yaml`;
  if (existsSync(at(configPath))) {
    done.push(`kept the existing ${configPath}`);
  } else {
    const data = {
      ...(opts.id ? { id: opts.id } : {}),
      directors: opts.directors.map((url) => ({ url, tokenFile: tokenPath })),
      ports: [...opts.ports],
      plugins: [],
    };
    // Validate before writing, so a bad --director or --port fails here and not at service start.
    agentConfigFromData(data, '--director/--port/--id', CONFIG_DIR, () => opts.token ?? 'not-checked-here');
    const header = [
      '# lvs-feedback agent configuration, written by `lvs-feedback agent install`.',
      `# Every key is documented in ${join(PACKAGE_ROOT, 'agent/agent.example.yaml')}.`,
      '# Try it: lvs-feedback agent --config /etc/lvs-feedback/agent.yaml --once',
      '',
    ].join('\n');
    writeFileSync(at(configPath), header + stringify(data), { mode: 0o644 });
    done.push(`wrote ${configPath}`);
  }
  if (opts.token === undefined && !existsSync(at(tokenPath))) {
    done.push(`note: ${tokenPath} does not exist yet; put this agent's token there (mode 0600)`);
  }

  const unitPath = `/etc/systemd/system/${AGENT_UNIT_NAME}`;
  mkdirSync(at('/etc/systemd/system'), { recursive: true });
  writeFileSync(
    at(unitPath),
    renderUnit({
      description: 'lvs-feedback agent: reports this real server\'s load to the LVS directors',
      execStart: [opts.nodePath, ...AGENT_NODE_FLAGS, opts.cliPath, 'agent', '--config', configPath],
    }),
  );
  done.push(`wrote ${unitPath}`);

  if (opts.start && opts.root === '/') {
    for (const args of [['daemon-reload'], ['enable', '--now', AGENT_UNIT_NAME]]) {
      const r = spawnSync('systemctl', args, { encoding: 'utf8' });
      if (r.status !== 0) {
        done.push(`systemctl ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}; start it by hand`);
        return done;
      }
    }
    done.push(`started ${AGENT_UNIT_NAME}; follow it with: journalctl -u ${AGENT_UNIT_NAME} -f`);
  } else {
    done.push(`not started; when ready: systemctl daemon-reload && systemctl enable --now ${AGENT_UNIT_NAME}`);
  }
  return done;
}
