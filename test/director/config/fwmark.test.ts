// fwmark services whose destinations have no port: the kernel stores them as port 0 (NAT and DR alike).
import { describe, expect, it } from 'vitest';
import { directorConfigFromData } from '../../../director/config/load.js';
import { DryRunDriver } from '../../../director/kernel/ipvs/dry-run-driver.js';
import { parseSave } from '../../../director/kernel/ipvs/parse-save.js';
import { KernelTable } from '../../../director/kernel/kernel-table.js';
import { LvsfError } from '../../../shared/errors.js';
import { createLogger } from '../../../shared/logging.js';
import { TOKEN } from '../../helpers/director-fixtures.js';

const agents = ['a1', 'a2'].map((id) => ({ id, token: TOKEN }));
const fwmarkService = (realServers: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  agents,
  services: [{ name: 'mail', fwmark: 101, realServers, ...extra }],
});

function refusal(data: unknown): LvsfError & { key?: string } {
  try {
    directorConfigFromData(data, 'director.yaml', '/');
  } catch (err) {
    if (err instanceof LvsfError) return err;
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('fwmark services with port-less destinations', () => {
  it('takes a real server without a port as port 0, the way the kernel stores it, for DR and NAT', () => {
    const config = directorConfigFromData(
      fwmarkService([
        { address: '172.16.0.11', agent: 'a1', method: 'route' },
        { address: '172.16.0.12', agent: 'a2', method: 'masq', port: 0 },
      ], { sorryServers: [{ address: '172.16.0.99', method: 'route' }] }),
      'director.yaml',
      '/',
    );
    const svc = config.core.services[0];
    expect(svc?.serviceId).toBe('fwm:101');
    expect(svc?.realServers.map((r) => [r.id, r.port, r.method])).toEqual([
      ['172.16.0.11:0', 0, 'route'],
      ['172.16.0.12:0', 0, 'masq'],
    ]);
    expect(svc?.sorryServers.map((s) => s.id)).toEqual(['172.16.0.99:0']);
  });

  it('still takes an explicit port under a fwmark service', () => {
    const config = directorConfigFromData(fwmarkService([{ address: '172.16.0.11', agent: 'a1', port: 25 }]), 'director.yaml', '/');
    expect(config.core.services[0]?.realServers[0]?.id).toBe('172.16.0.11:25');
  });

  it('refuses port 0 under a service with an address, naming the key', () => {
    const err = refusal({ agents, services: [{ name: 'web', address: '10.0.0.1', port: 80, realServers: [{ address: '10.0.1.11', agent: 'a1', port: 0 }] }] });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.key).toBe('services[0].realServers[0].port');
  });

  it('refuses a DR or tunnel real server on another port than its address service (ipvsadm forces the service port)', () => {
    for (const method of ['route', 'tunnel']) {
      const err = refusal({ agents, services: [{ name: 'web', address: '10.0.0.1', port: 80, realServers: [{ address: '10.0.1.11', agent: 'a1', port: 8080, method }] }] });
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.key).toBe('services[0].realServers[0].port');
    }
    // NAT may map to another port.
    const nat = directorConfigFromData({ agents, services: [{ name: 'web', address: '10.0.0.1', port: 80, realServers: [{ address: '10.0.1.11', agent: 'a1', port: 8080, method: 'masq' }] }] }, 'director.yaml', '/');
    expect(nat.core.services[0]?.realServers[0]?.id).toBe('10.0.1.11:8080');
  });

  it('finds the kernel’s port-0 destinations in the table and writes edits that name them as the kernel does', async () => {
    const config = directorConfigFromData(fwmarkService([{ address: '172.16.0.11', agent: 'a1', method: 'route' }]), 'director.yaml', '/');
    // As `ipvsadm -Sn` prints a destination added with `ipvsadm -a -f 101 -r 172.16.0.11 -g`.
    const kernel = parseSave('-A -f 101 -s wlc\n-a -f 101 -r 172.16.0.11:0 -g -w 100\n');
    const table = new KernelTable(config, new DryRunDriver(kernel, createLogger('test', 'silent')));
    const view = await table.read();
    expect(Object.keys(view.services['fwm:101'] ?? {})).toEqual(['172.16.0.11:0']);
    const out = await table.write(
      [{ service: 'mail', serviceId: 'fwm:101', destId: '172.16.0.11:0', agentId: 'a1', present: true, weightBefore: 100, weight: 75, upper: 0, lower: 0, changed: true, reason: 'test' }],
      [{ service: 'mail', serviceId: 'fwm:101', sorryActive: false, sorryServers: [], alarm: false }],
    );
    expect(out).toEqual({ applied: ['-e -f 101 -r 172.16.0.11:0 -g -w 75 -x 0 -y 0'], failed: [] });
  });
});
