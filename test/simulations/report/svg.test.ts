// The bar chart of p99 ratios: one bar per policy and scenario, none for a policy without figures.
import { describe, expect, it } from 'vitest';
import { barChart } from '../../../simulations/report/svg.js';

const rects = (svg: string) => [...svg.matchAll(/<rect x="330" y="(\d+)" width="([^"]+)"/g)].map((m) => ({ y: Number(m[1]), width: m[2] }));

describe('barChart', () => {
  it('draws a bar per value, the longer for the larger ratio on the log scale', () => {
    const svg = barChart('t', [{ label: 'a70', values: [1, 10] }], ['oracle', 'static'], 'x');
    const bars = rects(svg);
    expect(bars).toHaveLength(2);
    expect(Number(bars[1]?.width)).toBeGreaterThan(Number(bars[0]?.width));
    expect(svg).toContain('>oracle</text>');
    expect(svg).toContain('>static</text>');
  });

  it('leaves out the bar of a value that is not a number but keeps its label and its place', () => {
    const svg = barChart('t', [{ label: 'a70', values: [1, NaN, 10] }], ['oracle', 'missing', 'static'], 'x');
    const bars = rects(svg);
    expect(bars.map((b) => b.width)).not.toContain('NaN');
    expect(bars).toHaveLength(2);
    expect(svg).toContain('>missing</text>');
    expect((bars[1]?.y ?? 0) - (bars[0]?.y ?? 0)).toBe(18); // two bar heights: the missing one's place is kept
    expect(svg).not.toContain('NaN');
  });
});
