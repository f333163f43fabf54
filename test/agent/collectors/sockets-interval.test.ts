// The sockets collector's minimum interval: /proc/net/tcp is read at most every 4 s, on an injected clock.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectors } from '../../../agent/collectors/registry.js';
import { PluginRunner } from '../../../agent/plugins/runner.js';
import { Sampler } from '../../../agent/sampler.js';
import { LEVEL, memoryLogger } from '../../helpers/log-lines.js';
import { fixturePath } from '../../helpers/paths.js';

const roots: string[] = [];

afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A writable copy of the web-80 proc root. */
function procCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'lvsf-proc-'));
  roots.push(root);
  cpSync(fixturePath('proc', 'web-80'), root, { recursive: true });
  return root;
}

function sampler(procRoot: string, clock: { t: number }): { sampler: Sampler; lines: ReturnType<typeof memoryLogger>['lines'] } {
  const { log, lines } = memoryLogger();
  const now = (): number => clock.t;
  return { sampler: new Sampler(createCollectors({ procRoot, ports: [80] }), new PluginRunner([], log, now), log, now), lines };
}

describe('sockets collector interval', () => {
  it('samples every second carry the socket counts every 4 s, the other metrics every time', async () => {
    const clock = { t: 0 };
    const { sampler: s } = sampler(fixturePath('proc', 'web-80'), clock);
    const withSockets: number[] = [];
    for (clock.t = 0; clock.t <= 12_000; clock.t += 1_000) {
      const { metrics } = await s.sample();
      expect(metrics.mem_total_bytes, `t=${clock.t}`).toBe(8_192_000_000);
      if ('established_80' in metrics) withSockets.push(clock.t);
    }
    expect(withSockets).toEqual([0, 4_000, 8_000, 12_000]);
  });

  it('does not open /proc/net/tcp in between: a file gone after the first read is only missed at the next due time', async () => {
    const root = procCopy();
    const clock = { t: 0 };
    const { sampler: s, lines } = sampler(root, clock);
    await s.sample();
    rmSync(join(root, 'net', 'tcp'));
    const unreadable = (): number => lines.filter((l) => l.level === LEVEL.warn && l.code === 'PROC_UNREADABLE' && l.collector === 'sockets').length;
    for (clock.t = 1_000; clock.t <= 3_000; clock.t += 1_000) {
      await s.sample();
      expect(unreadable(), `t=${clock.t}`).toBe(0);
    }
    clock.t = 4_000;
    await s.sample();
    expect(unreadable()).toBe(1);
  });

  it('a failing sockets collector is logged once, not "recovered" in the samples it skips', async () => {
    const root = procCopy();
    rmSync(join(root, 'net', 'tcp'));
    const clock = { t: 0 };
    const { sampler: s, lines } = sampler(root, clock);
    for (clock.t = 0; clock.t <= 12_000; clock.t += 1_000) await s.sample();
    const aboutSockets = lines.filter((l) => l.collector === 'sockets').map((l) => [l.level, l.code ?? l.msg]);
    expect(aboutSockets).toEqual([[LEVEL.warn, 'PROC_UNREADABLE']]);
  });
});
