// The `plugins:` config entries: what is accepted, the messages for what is not, and the specs they become.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { duplicatePluginNames, pluginEntrySchema, pluginListSchema, toPluginSpec } from '../../../agent/plugins/plugin-config.js';
import { validateConfig } from '../../../shared/config-file.js';
import { AGENT_DEFAULTS } from '../../../agent/defaults.js';
import { PluginRunner } from '../../../agent/plugins/runner.js';
import { ConfigInvalidError } from '../../../shared/errors.js';
import { memoryLogger } from '../../helpers/log-lines.js';
import { fixture } from '../../helpers/process-state.js';

const configSchema = z.strictObject({ plugins: pluginListSchema.default([]) });

/** The ConfigInvalidError message for `plugins` in an agent config, as the agent would print it. */
function configError(plugins: unknown[]): string {
  try {
    validateConfig(configSchema, { plugins }, 'agent.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigInvalidError);
    return (err as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('pluginEntrySchema → toPluginSpec', () => {
  it('a module with defaults, its path resolved against the config folder', () => {
    const entry = pluginEntrySchema.parse({ name: 'mailq', module: 'plugins/postfix-mailq.mjs', options: { spool: '/var/spool/postfix' } });
    expect(toPluginSpec(entry, '/etc/lvs-feedback')).toEqual({
      kind: 'module',
      name: 'mailq',
      path: '/etc/lvs-feedback/plugins/postfix-mailq.mjs',
      intervalMs: AGENT_DEFAULTS.plugin.intervalMs,
      timeoutMs: AGENT_DEFAULTS.plugin.timeoutMs,
      options: { spool: '/var/spool/postfix' },
    });
  });

  it('an executable: durations, cwd and env; a relative program path is resolved, a bare command is not', () => {
    const entry = pluginEntrySchema.parse({
      name: 'sockets',
      exec: ['./bin/sockets.sh', '--all'],
      interval: '5s',
      timeout: 0.5,
      cwd: 'work',
      env: { LANG: 'C' },
    });
    expect(toPluginSpec(entry, '/etc/lvsf')).toEqual({
      kind: 'exec',
      name: 'sockets',
      argv: ['/etc/lvsf/bin/sockets.sh', '--all'],
      intervalMs: 5_000,
      timeoutMs: 500,
      options: {},
      cwd: '/etc/lvsf/work',
      env: { LANG: 'C' },
    });
    const bare = toPluginSpec(pluginEntrySchema.parse({ name: 'x', exec: ['check_mailq', '-w', '5'] }), '/etc/lvsf');
    expect(bare).toMatchObject({ argv: ['check_mailq', '-w', '5'] });
    const absolute = toPluginSpec(pluginEntrySchema.parse({ name: 'x', exec: ['/usr/bin/check'] }), '/etc/lvsf');
    expect(absolute).toMatchObject({ argv: ['/usr/bin/check'] });
  });

  it('without a timeout: the default 1.5 s, or the interval when that is shorter, so runs never overlap', () => {
    const timeoutFor = (interval: string): number => toPluginSpec(pluginEntrySchema.parse({ name: 'p', module: '/p.mjs', interval }), '/').timeoutMs;
    expect(timeoutFor('1s')).toBe(1_000);
    expect(timeoutFor('200ms')).toBe(200);
    expect(timeoutFor('1500ms')).toBe(1_500);
    expect(timeoutFor('10s')).toBe(1_500);
    // The timeout given for a short interval is one the config would accept if it were written out.
    expect(() => validateConfig(configSchema, { plugins: [{ name: 'p', module: '/p.mjs', interval: '200ms', timeout: `${timeoutFor('200ms')}ms` }] }, 'agent.yaml')).not.toThrow();
  });

  it('the timeout a short interval gets is the one a run is cut off at', async () => {
    const entry = pluginEntrySchema.parse({ name: 'slow', module: fixture('hangs.mjs'), interval: '300ms' });
    const [result] = await new PluginRunner([toPluginSpec(entry, '/')], memoryLogger().log).runAll();
    expect(result?.error?.code).toBe('PLUGIN_TIMEOUT');
    expect(result?.error?.message).toBe('plugin slow: no result within 300 ms');
  });
});

describe('plugin config errors name the key', () => {
  it.each([
    [[{ name: 'a', module: '/a.mjs', exec: ['/a'] }], 'plugins[0].module: give exactly one of module and exec'],
    [[{ name: 'a' }], 'plugins[0].module: give exactly one of module and exec'],
    [[{ name: 'Mail-Q', module: '/a.mjs' }], 'plugins[0].name: names are lower case letters'],
    [[{ name: 'a', module: '/a.mjs', colour: 'red' }], 'plugins[0].colour: unknown key (colour)'],
    [[{ name: 'a', module: '/a.mjs', timeout: 'soon' }], 'plugins[0].timeout: not a duration: "soon"'],
    [[{ name: 'a', module: '/a.mjs', interval: 0 }], 'plugins[0].interval: must be more than 0'],
    [[{ name: 'a', module: '/a.mjs', interval: '1s', timeout: '2s' }], 'plugins[0].timeout: must not be longer than the interval'],
    [[{ name: 'a', module: '/a.mjs', cwd: '/tmp' }], 'plugins[0].cwd: cwd and env only apply to exec plugins'],
    [[{ name: 'a', exec: [] }], 'plugins[0].exec: give the program and its arguments'],
    [[{ name: 'a', exec: ['/a'], env: { N: 1 } }], 'plugins[0].env.N: environment values must be strings'],
    [
      [
        { name: 'a', module: '/a.mjs' },
        { name: 'b', module: '/b.mjs' },
        { name: 'a', exec: ['/a'] },
      ],
      'plugins[2].name: plugin name "a" is already used by plugins[0]',
    ],
  ])('%j', (plugins, expected) => {
    expect(configError(plugins)).toContain(`agent.yaml: ${expected}`);
  });

  it('duplicatePluginNames lists each repeated name once', () => {
    expect(duplicatePluginNames(['a', 'b', 'a', 'c', 'a', 'b'])).toEqual(['a', 'b']);
    expect(duplicatePluginNames(['a', 'b'])).toEqual([]);
  });
});
