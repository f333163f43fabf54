// Number formatting for explanations, so log lines and status read the same everywhere.

/** Up to three significant decimals, no trailing zeros: 0.125, 12.5, 412. */
export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '?';
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(v.toFixed(digits)));
}

export function pct(fraction: number | undefined): string {
  return fraction === undefined ? '?' : `${fmt(fraction * 100)}%`;
}

/** The log line of one decision: `web/10.0.0.11:80 weight 100 → 80 (cpu_idle_pct 12, step limited from 55)`. */
export function decisionLine(service: string, destId: string, before: number, after: number, reason: string): string {
  return `${service}/${destId} weight ${before} → ${after} (${reason})`;
}
