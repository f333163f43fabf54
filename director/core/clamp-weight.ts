// The range a destination's weight may take: its configured bounds, and never beyond what the kernel accepts.
import type { RealServerSettings } from './core-config.js';

/** The largest weight ipvsadm and the kernel accept. */
const KERNEL_MAX_WEIGHT = 65_535;

/** Rounds `v` and keeps it within the real server's minWeight..maxWeight, 0 and the kernel's maximum. */
export function clampWeight(v: number, rs: RealServerSettings): number {
  return Math.min(rs.maxWeight, KERNEL_MAX_WEIGHT, Math.max(rs.minWeight, 0, Math.round(v)));
}
