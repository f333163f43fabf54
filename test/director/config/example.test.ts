// The shipped director.example.yaml is valid, and the defaults it spells out are the ones the director really uses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { directorConfigFromData, loadDirectorConfig } from '../../../director/config/load.js';
import type { DirectorConfig } from '../../../director/config/director-config.js';

const EXAMPLE = fileURLToPath(new URL('../../../director/director.example.yaml', import.meta.url));

/** The config as plain data: maps as entries, compiled expressions by their source. */
function plain(c: DirectorConfig): unknown {
  return JSON.parse(JSON.stringify(c, (_key, v: unknown) => (v instanceof Map ? [...v.entries()] : typeof v === 'function' ? undefined : v)));
}

describe('director.example.yaml', () => {
  it('loads, with its two services, five real servers and three agents', () => {
    const c = loadDirectorConfig(EXAMPLE);
    expect(c.core.services.map((s) => [s.name, s.serviceId, s.mode, s.realServers.length])).toEqual([
      ['web', 'tcp:10.0.0.1:80', 'capacity', 3],
      ['smtp', 'tcp:10.0.0.1:25', 'expression', 2],
    ]);
    expect([...c.tokens.keys()]).toEqual(['web1', 'web2', 'web3']);
    expect(c.core.services[1]?.stalePolicy).toBe('hold');
    expect(Object.isFrozen(c.core.services[0]?.damping)).toBe(true);
  });

  it('documents the real defaults: leaving out every key it sets to its default changes nothing', () => {
    const full = parse(readFileSync(EXAMPLE, 'utf8'));
    const bare = structuredClone(full);
    for (const key of ['id', 'listen', 'status', 'logLevel', 'reportInterval', 'controlInterval', 'dryRun', 'ipvsadm', 'onExit', 'smoothing', 'externalEditHold', 'defaults']) {
      expect(bare, key).toHaveProperty(key);
      delete bare[key];
    }
    for (const key of ['protocol', 'scheduler', 'create']) delete bare.services[0][key];
    for (const key of ['weight', 'method', 'upperThreshold', 'lowerThreshold']) delete bare.services[0].realServers[0][key];
    expect(plain(directorConfigFromData(bare, 'example', '/etc'))).toEqual(plain(directorConfigFromData(full, 'example', '/etc')));
  });
});
