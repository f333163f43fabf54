// Hand-written SVG charts (no plotting dependency): line charts over time and grouped bars, deterministic output.

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#000000'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number) => String(Math.round(v * 10) / 10);

export interface Line {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
}

/** Stacked panels of line charts sharing the x axis (time). */
export function lineChart(title: string, panels: readonly { readonly yLabel: string; readonly lines: readonly Line[]; readonly yMax?: number }[], xLabel = 'time (s)'): string {
  const W = 760;
  const H = 200;
  const left = 60;
  const right = 170;
  const top = 34;
  const gap = 36;
  const height = top + panels.length * (H + gap) + 10;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">`, `<rect width="100%" height="100%" fill="white"/>`, `<text x="${left}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`];
  const xs = panels.flatMap((p) => p.lines.flatMap((l) => l.points.map((q) => q[0])));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const pw = W - left - right;
  panels.forEach((p, k) => {
    const y0 = top + k * (H + gap);
    const ymax = p.yMax ?? Math.max(1e-9, ...p.lines.flatMap((l) => l.points.map((q) => q[1])));
    const X = (x: number) => left + ((x - x0) / Math.max(1e-9, x1 - x0)) * pw;
    const Y = (y: number) => y0 + H - (Math.min(y, ymax) / ymax) * H;
    out.push(`<rect x="${left}" y="${y0}" width="${pw}" height="${H}" fill="none" stroke="#999"/>`);
    for (let g = 0; g <= 4; g++) {
      const v = (ymax * g) / 4;
      out.push(`<line x1="${left}" x2="${left + pw}" y1="${num(Y(v))}" y2="${num(Y(v))}" stroke="#eee"/>`, `<text x="${left - 6}" y="${num(Y(v) + 4)}" text-anchor="end">${num(v)}</text>`);
    }
    out.push(`<text x="14" y="${y0 + H / 2}" transform="rotate(-90 14 ${y0 + H / 2})" text-anchor="middle">${esc(p.yLabel)}</text>`);
    p.lines.forEach((l, i) => {
      const d = l.points.map((q, j) => `${j === 0 ? 'M' : 'L'}${num(X(q[0]))},${num(Y(q[1]))}`).join('');
      out.push(`<path d="${d}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5"/>`);
      out.push(`<text x="${left + pw + 8}" y="${y0 + 14 + i * 14}" fill="${COLORS[i % COLORS.length]}">${esc(l.label)}</text>`);
    });
    for (let g = 0; g <= 5; g++) {
      const x = x0 + ((x1 - x0) * g) / 5;
      out.push(`<text x="${num(X(x))}" y="${y0 + H + 14}" text-anchor="middle">${num(x)}</text>`);
    }
  });
  out.push(`<text x="${left + pw / 2}" y="${height - 2}" text-anchor="middle">${esc(xLabel)}</text>`, '</svg>');
  return `${out.join('\n')}\n`;
}

/** Grouped horizontal bars on a log scale: one group per scenario, one bar per policy (value relative to 1). */
export function barChart(title: string, groups: readonly { readonly label: string; readonly values: readonly number[] }[], series: readonly string[], xLabel: string): string {
  const W = 900;
  const left = 330;
  const bar = 9;
  const groupGap = 16;
  const top = 40;
  const pw = W - left - 40;
  const height = top + groups.length * (series.length * bar + groupGap) + 40;
  const all = groups.flatMap((g) => g.values).filter((v) => v > 0 && Number.isFinite(v));
  const lmin = Math.floor(Math.log10(Math.min(0.5, ...all)));
  const lmax = Math.ceil(Math.log10(Math.max(2, ...all)));
  const X = (v: number) => left + ((Math.log10(Math.max(v, 10 ** lmin)) - lmin) / (lmax - lmin)) * pw;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="10">`, `<rect width="100%" height="100%" fill="white"/>`, `<text x="10" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`];
  for (let e = lmin; e <= lmax; e++) out.push(`<line x1="${num(X(10 ** e))}" x2="${num(X(10 ** e))}" y1="${top - 6}" y2="${height - 30}" stroke="#ddd"/>`, `<text x="${num(X(10 ** e))}" y="${top - 10}" text-anchor="middle">${10 ** e}</text>`);
  out.push(`<line x1="${num(X(1))}" x2="${num(X(1))}" y1="${top - 6}" y2="${height - 30}" stroke="#333" stroke-dasharray="3,2"/>`);
  let y = top;
  for (const g of groups) {
    out.push(`<text x="6" y="${y + 8}" font-weight="bold">${esc(g.label)}</text>`);
    g.values.forEach((v, i) => {
      // A value that is not a finite number (a policy without figures) has no bar, only its label.
      if (Number.isFinite(v)) out.push(`<rect x="${left}" y="${y}" width="${num(Math.max(0.5, X(v) - left))}" height="${bar - 1}" fill="${COLORS[i % COLORS.length]}"/>`);
      out.push(`<text x="${left - 4}" y="${y + bar - 2}" text-anchor="end">${esc(series[i] ?? '')}</text>`);
      y += bar;
    });
    y += groupGap;
  }
  out.push(`<text x="${left + pw / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>`, '</svg>');
  return `${out.join('\n')}\n`;
}
