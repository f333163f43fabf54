// A driver that changes nothing in the kernel: it keeps the table in memory and logs the exact lines it would run.
import type { Logger } from '../../../shared/logging.js';
import { applyLines } from './apply-lines.js';
import type { ApplyResult, IpvsDriver } from './driver.js';
import type { IpvsTable } from './model.js';

export class DryRunDriver implements IpvsDriver {
  readonly description = 'dry run (nothing is written to the kernel)';

  constructor(
    private table: IpvsTable,
    private readonly log: Logger,
  ) {}

  async read(): Promise<IpvsTable> {
    return this.table;
  }

  async apply(lines: readonly string[]): Promise<ApplyResult> {
    if (lines.length === 0) return { applied: [], failed: [], table: this.table };
    this.log.info({ lines }, `dry run, would run ipvsadm -R with:\n${lines.join('\n')}`);
    const result = applyLines(this.table, lines);
    this.table = result.table;
    const failedLines = new Set(result.errors.map((e) => e.line));
    return { applied: lines.filter((l) => !failedLines.has(l)), failed: result.errors, table: this.table };
  }
}
