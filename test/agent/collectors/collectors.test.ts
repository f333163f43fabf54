// The collectors on fixture proc roots with known numbers: each metric's formula, rates between calls, absent values.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuCollector } from '../../../agent/collectors/cpu.js';
import { memoryCollector } from '../../../agent/collectors/memory.js';
import { createCollectors } from '../../../agent/collectors/registry.js';
import { runQueueCollector } from '../../../agent/collectors/run-queue.js';
import { socketsCollector } from '../../../agent/collectors/sockets.js';
import { swapCollector } from '../../../agent/collectors/swap.js';
import { tcpRateCollector } from '../../../agent/collectors/tcp-rate.js';
import { readHostFacts } from '../../../agent/collectors/host-facts.js';
import { hostFactsSchema } from '../../../shared/protocol/messages.js';
import { PROTOCOL } from '../../../shared/defaults.js';

const FIXTURES = new URL('../../fixtures/proc/', import.meta.url).pathname;
const roots: string[] = [];

/** A writable copy of a fixture proc root, so a test can advance its counters between calls. */
function procCopy(name: string): { root: string; edit: (file: string, from: string, to: string) => void } {
  const root = mkdtempSync(join(tmpdir(), 'lvsf-proc-'));
  roots.push(root);
  cpSync(join(FIXTURES, name), root, { recursive: true });
  return {
    root,
    edit(file, from, to) {
      const p = join(root, file);
      const text = readFileSync(p, 'utf8');
      if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
      writeFileSync(p, text.replace(from, to));
    },
  };
}

afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('collectors on fixture proc roots', () => {
  it('cpu: percentages over the interval between two calls, first call only primes', async () => {
    const p = procCopy('web-80');
    const c = cpuCollector({ procRoot: p.root, ports: [] });
    expect(await c.collect()).toEqual({});
    // +100 user, +50 system, +300 idle, +40 iowait, +10 steal: 500 jiffies.
    p.edit('stat', 'cpu  1000 10 300 8000 200 5 15 70 40 0', 'cpu  1100 10 350 8300 240 5 15 80 40 0');
    expect(await c.collect()).toEqual({ cpu_idle_pct: 68, cpu_util_pct: 32, cpu_iowait_pct: 8, cpu_steal_pct: 2 });
    // Nothing elapsed: absent, not 0 or NaN. A counter going backwards (reset): absent.
    expect(await c.collect()).toEqual({});
    p.edit('stat', 'cpu  1100 10 350 8300 240 5 15 80 40 0', 'cpu  10 10 350 8400 240 5 15 80 40 0');
    expect(await c.collect()).toEqual({});
  });

  it('memory: MemAvailable, not MemFree; absent on kernels without it', async () => {
    expect(await memoryCollector({ procRoot: join(FIXTURES, 'web-80'), ports: [] }).collect()).toEqual({
      mem_total_bytes: 8_192_000_000,
      mem_available_bytes: 2_048_000_000,
      mem_available_pct: 25,
    });
    expect(await memoryCollector({ procRoot: join(FIXTURES, 'old-kernel'), ports: [] }).collect()).toEqual({ mem_total_bytes: 1_054_720_000 });
  });

  it('swap: used %, and pages swapped in/out per second between calls', async () => {
    const p = procCopy('web-80');
    let t = 0;
    const c = swapCollector({ procRoot: p.root, ports: [] }, () => t);
    expect(await c.collect()).toEqual({ swap_total_bytes: 4_096_000_000, swap_used_pct: 25 });
    t = 4_000;
    p.edit('vmstat', 'pswpin 1200', 'pswpin 1300');
    expect(await c.collect()).toEqual({ swap_total_bytes: 4_096_000_000, swap_used_pct: 25, swap_in_pages_per_s: 25, swap_out_pages_per_s: 0 });
    expect(await swapCollector({ procRoot: join(FIXTURES, 'host-a'), ports: [] }).collect()).toMatchObject({ swap_total_bytes: 0, swap_used_pct: 0 });
  });

  it('run queue: runnable processes other than the agent, per core', async () => {
    expect(await runQueueCollector({ procRoot: join(FIXTURES, 'web-80'), ports: [] }).collect()).toEqual({
      procs_running: 5,
      procs_blocked: 2,
      run_queue_per_core: 1,
      load1: 2.5,
    });
  });

  it('sockets: accept queue of the listeners and established connections on the service ports, tcp and tcp6', async () => {
    const c = socketsCollector({ procRoot: join(FIXTURES, 'web-80'), ports: [80, 22, 443] });
    expect(await c.collect()).toEqual({
      listen_queue_80: 5,
      established_80: 3,
      listen_queue_22: 0,
      established_22: 0,
      established_443: 0,
      listen_queue: 5,
      established: 3,
    });
    expect(await socketsCollector({ procRoot: '/nonexistent', ports: [] }).collect()).toEqual({});
  });

  it('tcp: passive/active opens and retransmissions per second, current established as a gauge', async () => {
    const p = procCopy('web-80');
    let t = 1_000;
    const c = tcpRateCollector({ procRoot: p.root, ports: [] }, () => t);
    expect(await c.collect()).toEqual({ tcp_curr_estab: 42 });
    t = 3_000;
    p.edit('net/snmp', 'Tcp: 1 200 120000 -1 500 10000 3 7 42 900000 850000 120', 'Tcp: 1 200 120000 -1 520 10300 3 7 40 900000 850000 121');
    expect(await c.collect()).toEqual({ tcp_curr_estab: 40, tcp_passive_opens_per_s: 150, tcp_active_opens_per_s: 10, tcp_retrans_segs_per_s: 0.5 });
  });

  it('a missing proc file is PROC_UNREADABLE naming the file', async () => {
    await expect(memoryCollector({ procRoot: '/nonexistent', ports: [] }).collect()).rejects.toMatchObject({ code: 'PROC_UNREADABLE', message: expect.stringMatching(/^\/nonexistent\/meminfo: /) });
  });

  it('the registry lists every collector once, each emitting names from the protocol’s alphabet', async () => {
    const collectors = createCollectors({ procRoot: join(FIXTURES, 'web-80'), ports: [80] });
    expect(collectors.map((c) => c.name)).toEqual(['cpu', 'memory', 'swap', 'run_queue', 'sockets', 'tcp']);
    for (const c of collectors) for (const name of Object.keys(await c.collect())) expect(name).toMatch(PROTOCOL.namePattern);
  });

  it('host facts from a proc root validate against the hello schema', async () => {
    const facts = await readHostFacts(join(FIXTURES, 'web-80'));
    expect(facts).toMatchObject({ cores: 4, cpuModel: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', cpuMHz: 2394, memTotalBytes: 8_192_000_000 });
    expect(hostFactsSchema.safeParse(facts).success).toBe(true);
  });
});
