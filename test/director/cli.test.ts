// `lvs-feedback director --check` and `--print-unit`, run as the shipped command: exit codes, output, the unit's lines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/processes.js';

const EXAMPLE = fileURLToPath(new URL('../../director/director.example.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lvsf-director-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A config with two agents (one with its token in a file beside the config) and two services; `patch` changes it. */
function writeConfig(name: string, patch: (d: Record<string, any>) => void = () => {}): string {
  writeFileSync(join(dir, 'a2.token'), 'token-of-a2-from-a-file-0123\n');
  const d: Record<string, any> = {
    agents: [{ id: 'a1', token: 'token-of-a1-0123456789' }, { id: 'a2', tokenFile: 'a2.token' }],
    services: [
      { name: 'web', address: '10.0.0.1', port: 80, realServers: [{ address: '10.0.1.1', agent: 'a1' }, { address: '10.0.1.2', agent: 'a2' }] },
      { name: 'smtp', fwmark: 25, realServers: [{ address: '10.0.1.1', port: 25, agent: 'a1' }] },
    ],
  };
  patch(d);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(d));
  return file;
}

describe('lvs-feedback director --check', () => {
  it('exits 0 on a good config and prints the summary line', async () => {
    const file = writeConfig('good.yaml');
    const r = await runCli(['director', '--check', '--config', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${file}: ok — 2 service(s), 3 real server(s), 2 agent(s)\n`);
  });

  it('exits 0 on the shipped example', async () => {
    const r = await runCli(['director', '--check', '--config', EXAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${EXAMPLE}: ok — 2 service(s), 5 real server(s), 3 agent(s)\n`);
  });

  it.each([
    ['the schema', 'services[0].realServers[1].weight', (d: Record<string, any>) => (d.services[0].realServers[1].weight = 70_000)],
    ['the compiler', 'services[0].realServers[0].port', (d: Record<string, any>) => Object.assign(d.services[0].realServers[0], { port: 8080, method: 'route' })],
    ['the token file', 'agents[1].tokenFile', (d: Record<string, any>) => (d.agents[1].tokenFile = 'missing.token')],
  ])('exits 78 with CONFIG_INVALID naming the key a bad config breaks (found by %s)', async (_by, key, patch) => {
    const file = writeConfig(`bad-${key}.yaml`, patch);
    const r = await runCli(['director', '--check', '--config', file]);
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    // One line, no stack trace: the code, the file and the key.
    expect(r.stderr.split('\n')).toEqual([expect.stringMatching(/^lvs-feedback director: CONFIG_INVALID: /), '']);
    expect(r.stderr).toContain(`CONFIG_INVALID: ${file}: ${key}: `);
  });

  it('exits 78 with CONFIG_UNREADABLE for a missing file or one that is not YAML', async () => {
    const missing = join(dir, 'missing.yaml');
    const gone = await runCli(['director', '--check', '--config', missing]);
    expect(gone.code).toBe(78);
    expect(gone.stderr).toMatch(new RegExp(`^lvs-feedback director: CONFIG_UNREADABLE: ${missing.replace(/[.]/g, '\\.')}: .*ENOENT`));
    const notYaml = join(dir, 'not-yaml.yaml');
    writeFileSync(notYaml, 'agents: [unclosed\n');
    const broken = await runCli(['director', '--check', '--config', notYaml]);
    expect(broken.code).toBe(78);
    expect(broken.stderr).toContain(`CONFIG_UNREADABLE: ${notYaml}: not valid YAML`);
  });
});

describe('lvs-feedback director --print-unit', () => {
  it('prints a unit that starts this node with the built command and the config’s absolute path, with the capability lines', async () => {
    const relative = join('some', 'where', 'director.yaml');
    const r = await runCli(['director', '--print-unit', '--config', relative]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    // The child runs in this process's directory, so that is what the relative path resolves against.
    expect(lines.filter((l) => l.startsWith('ExecStart='))).toEqual([`ExecStart=${[process.execPath, CLI, 'director', '--config', resolve(relative)].join(' ')}`]);
    expect(lines).toContain('CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE');
    expect(lines).toContain('# ipvsadm needs CAP_NET_ADMIN (and reads /proc/net/ip_vs).');
    expect(lines).toContain('RestartPreventExitStatus=78');
  });
});
