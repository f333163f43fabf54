// The running director's look at persistence after each table read: warnings said once in the log, kept for status.
import { LogOnce, type Logger } from '../../shared/logging.js';
import type { ServiceSettings } from '../core/core-config.js';
import type { IpvsTable } from './ipvs/model.js';
import { persistenceFindings, type PersistenceFinding } from './persistence-check.js';
import { EXPIRE_QUIESCENT_TEMPLATE, readSysctl } from './sysctl.js';

export class PersistenceWatch {
  private findings: readonly PersistenceFinding[] = [];
  private readonly once = new LogOnce();

  constructor(
    private readonly services: readonly ServiceSettings[],
    private readonly procRoot: string,
    private readonly log: Logger,
  ) {}

  /** The warnings as of the last table read. */
  current(): readonly PersistenceFinding[] {
    return this.findings;
  }

  /** Looks at a table just read: logs each warning when it starts or changes, and once when it no longer applies. */
  update(table: IpvsTable): void {
    const found = persistenceFindings(this.services, table, () => readSysctl(this.procRoot, EXPIRE_QUIESCENT_TEMPLATE));
    for (const f of found) {
      if (this.once.shouldLog(f.service, `${f.code} ${f.message}`)) this.log.warn({ code: f.code, service: f.service, persistenceS: f.timeoutS }, f.message);
    }
    const now = new Set(found.map((f) => f.service));
    for (const f of this.findings) {
      if (!now.has(f.service) && this.once.clear(f.service)) this.log.info({ service: f.service }, `${f.service}: persistence warning cleared (${f.code} no longer applies)`);
    }
    this.findings = found;
  }
}
