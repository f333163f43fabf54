// The running director's look at the table's settings after each read (persistence, -o): warnings said once in the log, kept for status.
import { LogOnce, type Logger } from '../../shared/logging.js';
import type { ServiceSettings } from '../core/core-config.js';
import type { IpvsTable } from './ipvs/model.js';
import { tableFindings, type TableFinding } from './table-findings.js';
import { EXPIRE_QUIESCENT_TEMPLATE, readSysctl } from './sysctl.js';

export class TableWarningsWatch {
  private findings: readonly TableFinding[] = [];
  private readonly once = new LogOnce();

  constructor(
    private readonly services: readonly ServiceSettings[],
    private readonly procRoot: string,
    private readonly log: Logger,
  ) {}

  /** The warnings as of the last table read. */
  current(): readonly TableFinding[] {
    return this.findings;
  }

  /** Looks at a table just read: logs each warning when it starts or changes, and once when it no longer applies. */
  update(table: IpvsTable): void {
    const found = tableFindings(this.services, table, () => readSysctl(this.procRoot, EXPIRE_QUIESCENT_TEMPLATE));
    const key = (f: TableFinding) => `${f.service} ${f.code === 'ONE_PACKET_SCHEDULER' ? f.code : 'persistence'}`;
    for (const f of found) {
      if (this.once.shouldLog(key(f), `${f.code} ${f.message}`)) this.log.warn({ code: f.code, service: f.service, ...('timeoutS' in f ? { persistenceS: f.timeoutS } : {}) }, f.message);
    }
    const now = new Set(found.map(key));
    for (const f of this.findings) {
      if (!now.has(key(f)) && this.once.clear(key(f))) this.log.info({ service: f.service }, `${f.service}: ${f.code === 'ONE_PACKET_SCHEDULER' ? 'one-packet' : 'persistence'} warning cleared (${f.code} no longer applies)`);
    }
    this.findings = found;
  }
}
