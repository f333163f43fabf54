// Where two files first differ (line number and both lines), so a failed byte comparison says what changed.

export function firstDifference(want: Buffer, got: Buffer): string {
  const a = want.toString('utf8').split('\n');
  const b = got.toString('utf8').split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y) return `line ${i + 1}: expected ${JSON.stringify(x ?? '(end of file)')}, got ${JSON.stringify(y ?? '(end of file)')}`;
  }
  // Same text, different bytes (an encoding difference).
  return `same text, ${want.length} bytes expected, ${got.length} bytes written`;
}
