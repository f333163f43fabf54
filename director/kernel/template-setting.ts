// Writes net.ipv4.vs.expire_quiescent_template when the config says so (ipvs.expireQuiescentTemplate), logging from → to.
import { describeError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logging.js';
import { LogOnce } from '../../shared/logging.js';
import { EXPIRE_QUIESCENT_TEMPLATE, readSysctl, writeSysctl } from './sysctl.js';

/**
 * The configured value, written once. The file exists only while ip_vs is loaded, and ipvsadm loads it on the first
 * table read: a write that fails at start is tried again after each read (`retry`) until it lands, then never again,
 * so a later change by someone else is theirs (status and the log say what it means).
 */
export class TemplateSetting {
  private pending: boolean;
  private readonly once = new LogOnce();

  constructor(
    private readonly procRoot: string,
    private readonly want: boolean | null,
    private readonly log: Logger,
    private readonly dryRun: boolean,
  ) {
    this.pending = want !== null;
  }

  /** True once the configured value is in the kernel (or there is nothing to write). */
  get settled(): boolean {
    return !this.pending;
  }

  /** Writes the value now if it is still to be written. */
  apply(): void {
    if (!this.pending || this.want === null) return;
    const to = this.want ? 1 : 0;
    const key = `ipvs.expireQuiescentTemplate: ${this.want}`;
    const before = readSysctl(this.procRoot, EXPIRE_QUIESCENT_TEMPLATE);
    const from = 'value' in before ? String(before.value) : 'unreadable';
    if (this.dryRun) {
      this.pending = false;
      this.log.info({ sysctl: EXPIRE_QUIESCENT_TEMPLATE, from, to }, `dry run, would set ${EXPIRE_QUIESCENT_TEMPLATE} ${from} → ${to} (${key})`);
      return;
    }
    try {
      if (!('value' in before) || before.value !== to) writeSysctl(this.procRoot, EXPIRE_QUIESCENT_TEMPLATE, to);
    } catch (err) {
      if (this.once.shouldLog('write', describeError(err))) {
        this.log.error({ code: 'SYSCTL_ACCESS', sysctl: EXPIRE_QUIESCENT_TEMPLATE, to }, `cannot set ${EXPIRE_QUIESCENT_TEMPLATE} to ${to} (${key}): ${describeError(err)}; trying again after each table read`);
      }
      return;
    }
    this.pending = false;
    const unchanged = 'value' in before && before.value === to;
    this.log.info({ sysctl: EXPIRE_QUIESCENT_TEMPLATE, from, to }, `${EXPIRE_QUIESCENT_TEMPLATE} ${from} → ${to}${unchanged ? ', as it was' : ''} (${key})`);
  }
}
