// `lvs-feedback agent install --root DIR --no-start`, run as the shipped command: the files, their modes, the unit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { AGENT_NODE_FLAGS } from '../../agent/defaults.js';
import { CLI, runCli } from '../helpers/processes.js';

const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lvsf-install-'));
  dirs.push(root);
  return root;
}

const INSTALL = ['agent', 'install', '--director', 'ws://10.0.0.1:7654', '--director', 'ws://10.0.0.2:7654', '--token', 's3cret-token', '--port', '80', '--port', '443', '--id', 'web1', '--no-start'];

/** The ExecStart= line of a unit, split into its arguments (none of ours need quoting). */
function execStart(unit: string): string[] {
  const line = unit.split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error(`no ExecStart= in:\n${unit}`);
  return line.slice('ExecStart='.length).split(' ');
}

describe('agent install --root --no-start', () => {
  it('writes the config, the token (mode 0600) and a unit that runs node with the agent flags on the built CLI', async () => {
    const root = tempRoot();
    const r = await runCli([...INSTALL, '--root', root]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'wrote /etc/lvs-feedback/agent.token (mode 0600)',
      'wrote /etc/lvs-feedback/agent.yaml',
      'wrote /etc/systemd/system/lvs-feedback-agent.service',
      'not started; when ready: systemctl daemon-reload && systemctl enable --now lvs-feedback-agent.service',
    ]);

    const tokenFile = join(root, 'etc/lvs-feedback/agent.token');
    expect(readFileSync(tokenFile, 'utf8')).toBe('s3cret-token\n');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);

    // The config the service will start with is valid, and its token file is the one just written.
    const config = loadAgentConfig(join(root, 'etc/lvs-feedback/agent.yaml'), (p) => readFileSync(join(root, p), 'utf8'));
    expect(config.id).toBe('web1');
    expect(config.ports).toEqual([80, 443]);
    expect(config.directors.map((d) => [d.url, d.token, d.tokenSource])).toEqual([
      ['ws://10.0.0.1:7654', 's3cret-token', '/etc/lvs-feedback/agent.token'],
      ['ws://10.0.0.2:7654', 's3cret-token', '/etc/lvs-feedback/agent.token'],
    ]);

    const unit = readFileSync(join(root, 'etc/systemd/system/lvs-feedback-agent.service'), 'utf8');
    expect(execStart(unit)).toEqual([process.execPath, '--max-semi-space-size=1', '--lite-mode', CLI, 'agent', '--config', '/etc/lvs-feedback/agent.yaml']);
    expect(unit).toContain('\nRestartPreventExitStatus=78\n');
    expect(unit).toContain('\nWantedBy=multi-user.target\n');
  });

  it('the unit’s node, flags and CLI really start: the same command line prints the version', async () => {
    const root = tempRoot();
    expect((await runCli([...INSTALL, '--root', root])).code).toBe(0);
    const argv = execStart(readFileSync(join(root, 'etc/systemd/system/lvs-feedback-agent.service'), 'utf8'));
    const cli = argv.indexOf(CLI);
    expect(argv.slice(1, cli)).toEqual([...AGENT_NODE_FLAGS]);
    const r = spawnSync(argv[0] ?? '', [...argv.slice(1, cli + 1), '--version'], { encoding: 'utf8' });
    // V8 may warn that --lite-mode turns another flag off; a flag node does not know would be an error and exit 9.
    expect(r.stderr).not.toMatch(/bad option|not allowed|error/i);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('keeps an existing config, and rewrites token and unit', async () => {
    const root = tempRoot();
    expect((await runCli([...INSTALL, '--root', root])).code).toBe(0);
    const configFile = join(root, 'etc/lvs-feedback/agent.yaml');
    writeFileSync(configFile, 'id: edited-by-hand\ndirectors: []\n');
    const r = await runCli(['agent', 'install', '--director', 'ws://10.9.9.9:7654', '--token', 'new-token', '--no-start', '--root', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kept the existing /etc/lvs-feedback/agent.yaml');
    expect(readFileSync(configFile, 'utf8')).toBe('id: edited-by-hand\ndirectors: []\n');
    expect(readFileSync(join(root, 'etc/lvs-feedback/agent.token'), 'utf8')).toBe('new-token\n');
  });

  it('refuses a bad --director or --port before writing a config', async () => {
    const root = tempRoot();
    const r = await runCli(['agent', 'install', '--director', 'http://10.0.0.1', '--token', 't', '--no-start', '--root', root]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^lvs-feedback agent install: CONFIG_INVALID: .*directors\[0\]\.url: must be a ws:\/\/ or wss:\/\/ URL/);
    expect(() => statSync(join(root, 'etc/lvs-feedback/agent.yaml'))).toThrow();
  });
});
