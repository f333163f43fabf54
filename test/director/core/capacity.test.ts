// The capacity estimate and the reason it gives: the true cause when it cannot estimate, never a stand-in.
import { describe, expect, it } from 'vitest';
import { estimateCapacity } from '../../../director/core/capacity.js';

const settings = { utilizationFloor: 0.1, rateFrom: 'auto' as const, maxRatio: 10, maxGrowthPerMinute: 2 };

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

  it('takes the kernel’s rate for a UDP service under auto: the agent’s TCP counts say nothing of datagrams', () => {
    const auto = { ...settings, rateFrom: 'auto' as const };
    // The agent completes no TCP connection; the kernel counted 240 datagrams a second to this server.
    expect(estimateCapacity({ utilPct: 60, kernelRate: 240, agentRate: 0, datagrams: true }, auto).capacity).toBe(400);
    expect(estimateCapacity({ utilPct: 60, kernelRate: 240, agentRate: 0 }, auto).capacity).toBeUndefined();
    // Asked for the agent's rate, it gets the agent's, UDP or not.
    expect(estimateCapacity({ utilPct: 60, kernelRate: 240, agentRate: 0, datagrams: true }, { ...settings, rateFrom: 'agent' }).capacity).toBeUndefined();
  });
});
