// A bad director config is refused with CONFIG_INVALID naming the key, whether the schema or the compiler finds it.
import { describe, expect, it } from 'vitest';
import { directorConfigFromData } from '../../../director/config/load.js';
import { ConfigInvalidError } from '../../../shared/errors.js';

const TOKEN = 'keys-token-0123456789';
const secrets = (path: string): string => {
  if (path.endsWith('unreadable')) throw new Error('EACCES: permission denied');
  if (path.endsWith('short')) return 'too-short\n';
  return `secret-of-${path}\n`;
};

/** Two agents and one service with two real servers; `patch` changes it. */
function data(patch: (d: Record<string, any>) => void): Record<string, any> {
  const d: Record<string, any> = {
    agents: [{ id: 'a1', token: TOKEN }, { id: 'a2', token: TOKEN }],
    services: [{ name: 'web', address: '10.0.0.1', port: 80, realServers: [{ address: '10.0.1.1', agent: 'a1' }, { address: '10.0.1.2', agent: 'a2' }] }],
  };
  patch(d);
  return d;
}

function refusal(d: unknown): ConfigInvalidError {
  try {
    directorConfigFromData(d, 'director.yaml', '/etc/lvs-feedback', secrets);
  } catch (err) {
    if (err instanceof ConfigInvalidError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(d)}`);
}

describe('director config: bad keys', () => {
  const cases: [string, (d: Record<string, any>) => void][] = [
    // Found by the schema.
    ['reportIntervl', (d) => (d.reportIntervl = '2s')],
    ['reportInterval', (d) => (d.reportInterval = '10ms')],
    ['listen.port', (d) => (d.listen = { port: 70_000 })],
    ['status.enabled', (d) => (d.status = { enabled: 'yes' })],
    ['defaults.damping.bogus', (d) => (d.defaults = { damping: { bogus: 1 } })],
    ['services[0].damping.maxStep', (d) => (d.services[0].damping = { maxStep: 0 })],
    ['services[0].realServers[1].weight', (d) => (d.services[0].realServers[1].weight = 70_000)],
    ['services[0].address', (d) => (d.services[0].fwmark = 5)],
    ['agents[1].token', (d) => (d.agents[1] = { id: 'a2', token: 'short' })],
    ['agents[1].token', (d) => (d.agents[1] = { id: 'a2', token: TOKEN, tokenFile: 'a2.token' })],
    // Found when compiling.
    ['agents[1].id', (d) => (d.agents[1].id = 'a1')],
    ['agents[1].tokenFile', (d) => (d.agents[1] = { id: 'a2', tokenFile: 'unreadable' })],
    ['agents[1].tokenFile', (d) => (d.agents[1] = { id: 'a2', tokenFile: 'short' })],
    ['services[0].realServers[1].agent', (d) => (d.services[0].realServers[1].agent = 'a9')],
    ['services[0].realServers[1].address', (d) => (d.services[0].realServers[1].address = '10.0.1.1')],
    ['services[0].realServers[0].minWeight', (d) => (d.defaults = { minWeight: 600, maxWeight: 500 })],
    ['services[0].realServers[0].lowerThreshold', (d) => Object.assign(d.services[0].realServers[0], { upperThreshold: 10, lowerThreshold: 10 })],
    ['services[0].realServers[0].upperThresholdFrom', (d) => (d.services[0].realServers[0].upperThresholdFrom = 'not_declared')],
    ['services[0].realServers[0].port', (d) => (d.services[0].realServers[0].port = 0)],
    ['services[0].realServers[0].port', (d) => Object.assign(d.services[0].realServers[0], { port: 8080, method: 'route' })],
    ['services[0].sorryServers[0].address', (d) => (d.services[0].sorryServers = [{ address: '10.0.1.2' }])],
    ['services[1].name', (d) => d.services.push({ ...d.services[0], port: 81 })],
    ['services[0].expression', (d) => (d.services[0].mode = 'expression')],
    ['services[0].expression', (d) => (d.services[0].expression = 'cpu_idle_pct * (2')],
    ['defaults.expression', (d) => (d.defaults = { expression: 'no_such_variable * 2' })],
  ];

  it.each(cases)('names %s', (key, patch) => {
    const err = refusal(data(patch));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.key).toBe(key);
    expect(err.message.startsWith(`director.yaml: ${key}: `)).toBe(true);
  });

  it('keeps the reason in the message', () => {
    expect(refusal(data((d) => (d.agents[1] = { id: 'a2', tokenFile: 'unreadable' }))).message).toContain('cannot read /etc/lvs-feedback/unreadable: EACCES: permission denied');
    expect(refusal(data((d) => (d.reportInterval = '2 parsecs'))).message).toContain('not a duration: "2 parsecs"');
    expect(refusal(data((d) => (d.services[0].realServers[1].agent = 'a9'))).message).toContain('agent a9 is not listed under agents');
  });
});
