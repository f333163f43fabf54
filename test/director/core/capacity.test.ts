// The capacity estimate and the reason it gives: the true cause when it cannot estimate, never a stand-in.
import { describe, expect, it } from 'vitest';
import { estimateCapacity } from '../../../director/core/capacity.js';

const settings = { utilizationFloor: 0.1, rateFrom: 'auto' as const };

describe('capacity estimate', () => {
  it('is the completed rate divided by the utilisation', () => {
    const e = estimateCapacity({ utilPct: 50, kernelRate: 200 }, settings);
    expect(e.capacity).toBe(400);
    expect(e.rate).toBe(200);
    expect(e.note).toBe('capacity 400/s = 200/s ÷ 50% util');
  });

  it('says the rate is zero when that is why, not that a busy server is below the utilisation floor', () => {
    const e = estimateCapacity({ utilPct: 80, kernelRate: 0 }, settings);
    expect(e.capacity).toBeUndefined();
    expect(e.note).toBe('capacity unknown: no completed connections (rate 0/s at 80% util)');
    expect(e.note).not.toContain('below floor');
  });

  it('says the utilisation is below the floor when it is', () => {
    const e = estimateCapacity({ utilPct: 5, kernelRate: 30 }, settings);
    expect(e.capacity).toBeUndefined();
    expect(e.note).toBe('capacity unknown: utilisation 5% below floor 10%');
  });

  it('names the missing input', () => {
    expect(estimateCapacity({ utilPct: 50 }, settings).note).toBe('capacity unknown: no connection rate');
    expect(estimateCapacity({ kernelRate: 10 }, settings).note).toBe('capacity unknown: no cpu_util_pct');
  });
});
