// The agent config: the shipped example is valid, defaults come from one place, and every error names its key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agentConfigFromData, loadAgentConfig } from '../../agent/config.js';
import { AGENT_DEFAULTS } from '../../agent/defaults.js';
import { ConfigInvalidError, LvsfError } from '../../shared/errors.js';

const EXAMPLE = fileURLToPath(new URL('../../agent/agent.example.yaml', import.meta.url));
const tokens = (path: string): string => `token-from:${path}\n`;
const fromData = (data: unknown) => agentConfigFromData(data, 'agent.yaml', '/etc/lvs-feedback', tokens);

function errorOf(fn: () => unknown): LvsfError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LvsfError);
    return err as LvsfError;
  }
  throw new Error('expected an error');
}

describe('agent config', () => {
  it('accepts the commented example and resolves it', () => {
    const c = loadAgentConfig(EXAMPLE, tokens);
    expect(c.id).toBe('web1');
    expect(c.directors).toEqual([
      { url: 'ws://10.0.0.1:7654', token: 'token-from:/etc/lvs-feedback/agent.token', tokenSource: '/etc/lvs-feedback/agent.token' },
    ]);
    expect(c.sampleIntervalMs).toBe(1_000);
    expect(c.reportIntervalMs).toBe(2_000);
    expect(c.ports).toEqual([80, 443]);
    expect(c.plugins.map((p) => [p.name, p.kind, p.intervalMs, p.timeoutMs])).toEqual([['mailq', 'module', 10_000, 2_000]]);
    expect(Object.isFrozen(c) && Object.isFrozen(c.directors[0])).toBe(true);
  });

  it('fills every default from AGENT_DEFAULTS', () => {
    const c = fromData({});
    expect(c.id.length).toBeGreaterThan(0); // the host name
    expect(c.procRoot).toBe(AGENT_DEFAULTS.procRoot);
    expect(c.sampleIntervalMs).toBe(AGENT_DEFAULTS.sampleIntervalMs);
    expect(c.reportIntervalMs).toBe(AGENT_DEFAULTS.reportIntervalMs);
    expect(c.directors).toEqual([]);
    expect(c.plugins).toEqual([]);
    expect(c.logLevel).toBe(AGENT_DEFAULTS.logLevel);
  });

  it('names the bad key', () => {
    const cases: [unknown, string][] = [
      [{ sampleIntervl: 1 }, 'sampleIntervl'],
      [{ sampleInterval: 'fast' }, 'sampleInterval'],
      [{ sampleInterval: '10ms' }, 'sampleInterval'],
      [{ ports: [80, 80] }, 'ports'],
      [{ ports: [70000] }, 'ports[0]'],
      [{ directors: [{ url: 'http://x:1', token: 't' }] }, 'directors[0].url'],
      [{ directors: [{ url: 'ws://x:1' }] }, 'directors[0].token'],
      [{ directors: [{ url: 'ws://x:1', token: 't', tokenFile: 'f' }] }, 'directors[0].token'],
      [{ directors: [{ url: 'ws://x:1', token: 't', caFile: 'ca.pem' }] }, 'directors[0].caFile'],
      [{ logLevel: 'loud' }, 'logLevel'],
      [{ id: 'web 1' }, 'id'],
    ];
    for (const [data, key] of cases) {
      const err = errorOf(() => fromData(data));
      expect(err, JSON.stringify(data)).toBeInstanceOf(ConfigInvalidError);
      expect((err as ConfigInvalidError).key, JSON.stringify(data)).toBe(key);
      expect(err.message.startsWith(`agent.yaml: ${key}: `)).toBe(true);
    }
  });

  it('keeps the duration parser wording', () => {
    expect(errorOf(() => fromData({ reportInterval: '2 parsecs' })).message).toContain('not a duration: "2 parsecs"');
  });

  it('reports an unreadable or empty token file against its key', () => {
    const failing = () => {
      throw new Error('EACCES: permission denied');
    };
    const data = { directors: [{ url: 'ws://d:7654', tokenFile: 'agent.token' }] };
    const err = errorOf(() => agentConfigFromData(data, 'agent.yaml', '/etc/x', failing));
    expect((err as ConfigInvalidError).key).toBe('directors[0].tokenFile');
    expect(err.message).toContain('permission denied');
    const empty = errorOf(() => agentConfigFromData(data, 'agent.yaml', '/etc/x', () => ' \n'));
    expect(empty.message).toContain('/etc/x/agent.token is empty');
  });

  it('reports a file that is not YAML or not there with CONFIG_UNREADABLE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvsf-config-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'id: [unclosed\n');
    expect(errorOf(() => loadAgentConfig(bad, tokens)).code).toBe('CONFIG_UNREADABLE');
    expect(errorOf(() => loadAgentConfig(join(dir, 'missing.yaml'), tokens)).code).toBe('CONFIG_UNREADABLE');
  });
});
