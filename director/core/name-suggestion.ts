// "Did you mean …?" hints for a misspelt variable name: the closest known name by edit distance, when close enough.

/** Levenshtein distance between two strings (UTF-16 code units), two rows at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  // The last cell of the last row: b.length when a is empty.
  let last = b.length;
  for (let i = 0; i < a.length; i++) {
    let diagonal = i;
    last = i + 1;
    const row = [last];
    for (const [j, up] of previous.slice(1).entries()) {
      last = Math.min(up + 1, last + 1, diagonal + (a[i] === b[j] ? 0 : 1));
      diagonal = up;
      row.push(last);
    }
    previous = row;
  }
  return last;
}

/** ` (did you mean x?)` for the nearest of `known`, or '' when none is within a third of the name's length (at least 2). */
export function suggestion(name: string, known: readonly string[]): string {
  const best = known.map((k): [string, number] => [k, editDistance(name, k)]).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean ${best[0]}?)` : '';
}
