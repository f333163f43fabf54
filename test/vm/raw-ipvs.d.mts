// Types of raw-ipvs.mjs (plain JS, so the guest runs it), for the host-side tests that read the same text.
export type RawMethod = 'masq' | 'route' | 'tunnel';

export interface RawSavedService {
  readonly scheduler: string;
  /** The rest of the -A line after the scheduler, as printed ("-p 300", or ""). */
  readonly options: string;
  readonly dests: Record<string, { readonly method: RawMethod; readonly weight: number }>;
}

export interface RawLimits {
  readonly upper: number;
  readonly lower: number;
  readonly active: number;
  readonly inactive: number;
}

export interface RawService {
  readonly scheduler: string;
  readonly options: string;
  readonly dests: Record<string, { readonly method: RawMethod; readonly weight: number } & RawLimits>;
}

export function readSave(text: string): Record<string, RawSavedService>;
export function readThresholds(text: string): Record<string, Record<string, RawLimits>>;
export function readTable(save: string, thresholds: string): Record<string, RawService>;
