// The one interface through which the director touches the kernel's IPVS table (real, or a dry run in memory).
import type { IpvsTable } from './model.js';

export interface ApplyResult {
  /** Lines whose change is in the table when read back. */
  readonly applied: readonly string[];
  readonly failed: readonly { readonly line: string; readonly reason: string }[];
  /** The table as read back after applying. */
  readonly table: IpvsTable;
}

export interface IpvsDriver {
  readonly description: string;
  /** The whole table with active/inactive connections and rates per destination. */
  read(): Promise<IpvsTable>;
  /** Applies complete ipvsadm -R lines in one batch, reads back, and says which landed. */
  apply(lines: readonly string[]): Promise<ApplyResult>;
}
