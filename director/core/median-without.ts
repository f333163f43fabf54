// The median of the others, for every member of a group in one sort: bounds one claim by everyone else's.

/** The median of `sorted` (ascending, holding `value`) with one copy of `value` taken out. */
export function medianWithout(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  const at = (j: number): number => sorted[j < lo ? j : j + 1] ?? 0;
  const m = sorted.length - 1;
  const mid = Math.floor(m / 2);
  return m % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}
