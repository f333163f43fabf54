// What `director --check` says of the running kernel beside the config: persistence that keeps quiesced clients, -o schedulers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../../shared/errors.js';
import type { DirectorConfig } from '../config/director-config.js';
import { DIRECTOR_DEFAULTS } from '../defaults.js';
import { IpvsCommandError } from '../errors.js';
import { runIpvsadm } from './ipvs/ipvsadm-driver.js';
import { parseSave } from './ipvs/parse-save.js';
import { EXPIRE_QUIESCENT_TEMPLATE, readSysctl, type SysctlReading } from './sysctl.js';
import { tableFindings } from './table-findings.js';

/**
 * One line per finding ("warning: CODE: …", "note: …"). Nothing when IPVS is not loaded: without /proc/net/ip_vs there
 * is no table, so no service is persistent. The value the config will write at start counts as the sysctl's value.
 */
export async function kernelCheckLines(config: DirectorConfig): Promise<string[]> {
  if (!existsSync(join(config.procRoot, 'net', 'ip_vs'))) return [];
  let save: string;
  try {
    const r = await runIpvsadm(config.ipvsadm, ['-Sn'], DIRECTOR_DEFAULTS.ipvs.timeoutMs);
    if (r.code !== 0) throw new IpvsCommandError(`${config.ipvsadm} -Sn`, `exit ${r.code}: ${r.stderr.trim().slice(0, 300)}`);
    save = r.stdout;
  } catch (err) {
    return [`note: persistence not checked, the kernel's table cannot be read: ${describeError(err)}`];
  }
  let table;
  try {
    table = parseSave(save);
  } catch (err) {
    return [`note: persistence not checked: ${describeError(err)}`];
  }
  const configured = config.ipvs.expireQuiescentTemplate;
  const template = (): SysctlReading =>
    configured === null ? readSysctl(config.procRoot, EXPIRE_QUIESCENT_TEMPLATE) : { value: configured ? 1 : 0, source: `ipvs.expireQuiescentTemplate: ${configured}, written at start` };
  return tableFindings(config.core.services, table, template).map((f) => `warning: ${f.code}: ${f.message}`);
}
