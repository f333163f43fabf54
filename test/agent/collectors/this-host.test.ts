// The collectors against this machine's real /proc: CPU figures checked against /proc/stat itself, real sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectors } from '../../../agent/collectors/registry.js';
import { readHostFacts } from '../../../agent/collectors/host-facts.js';
import { hostFactsSchema } from '../../../shared/protocol/messages.js';

// The collectors against this machine's real /proc, with a real listener whose process is stopped, so connections
// complete the handshake and wait in its accept queue.
let listener: ChildProcess;
let port: number;
const clients: Socket[] = [];

beforeAll(async () => {
  listener = spawn(process.execPath, ['-e', "require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 16 }, function () { console.log(this.address().port) })"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(listener.stdout!, 'data')) as [Buffer];
  port = Number(line.toString().trim());
  listener.kill('SIGSTOP');
  // Signal delivery is asynchronous: wait until the kernel shows the process stopped before connecting.
  const stopped = (): boolean => readFileSync(`/proc/${listener.pid}/stat`, 'utf8').split(') ')[1]!.startsWith('T');
  const deadline = performance.now() + 5_000;
  while (!stopped()) {
    if (performance.now() > deadline) throw new Error('the listener did not stop');
    await new Promise((r) => setTimeout(r, 5));
  }
  for (let i = 0; i < 3; i++) {
    const c = createConnection({ port, host: '127.0.0.1' });
    await once(c, 'connect');
    clients.push(c);
  }
});

afterAll(() => {
  for (const c of clients) c.destroy();
  listener.kill('SIGKILL');
});

/** The aggregate cpu line of this machine's /proc/stat, in ticks: idle-like time, busy time, and the CPU count. */
function cpuTicks(): { idle: number; iowait: number; steal: number; busy: number; total: number; cpus: number } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const fields = (lines.find((l) => l.startsWith('cpu ')) ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { idle, iowait, steal, busy, total: busy + idle + iowait, cpus: lines.filter((l) => /^cpu\d+ /.test(l)).length };
}

/** Keeps this thread on the CPU for `ms` of its own CPU time; returns that time in /proc/stat ticks (USER_HZ = 100). */
function burnCpu(ms: number): number {
  const start = process.cpuUsage();
  let used = 0;
  while (used < ms * 1_000) {
    for (let i = 0; i < 10_000; i++) Math.sqrt(i * Math.random());
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  return used / 10_000;
}

describe('collectors on this machine', () => {
  it('cpu: idle and utilisation over the interval agree with /proc/stat read around a known busy loop', async () => {
    const cpu = createCollectors({ procRoot: '/proc', ports: [] }).find((c) => c.name === 'cpu');
    if (!cpu) throw new Error('no cpu collector');
    await cpu.collect(); // primes
    const before = cpuTicks();
    const burnt = burnCpu(600);
    const after = cpuTicks();
    const m = await cpu.collect();

    const total = after.total - before.total;
    const pct = (ticks: number): number => (ticks / total) * 100;
    // The collector's interval starts and ends microseconds outside the test's: at most one tick per CPU each side.
    const slack = pct(2 * after.cpus) + 0.01;
    expect(m.cpu_idle_pct).toBeGreaterThanOrEqual(pct(after.idle - before.idle + after.iowait - before.iowait) - slack);
    expect(m.cpu_idle_pct).toBeLessThanOrEqual(pct(after.idle - before.idle + after.iowait - before.iowait) + slack);
    // Utilisation from the busy counters themselves, not as 100 − idle.
    expect(m.cpu_util_pct).toBeGreaterThanOrEqual(pct(after.busy - before.busy) - slack);
    expect(m.cpu_util_pct).toBeLessThanOrEqual(pct(after.busy - before.busy) + slack);
    expect(Math.abs((m.cpu_iowait_pct ?? NaN) - pct(after.iowait - before.iowait))).toBeLessThanOrEqual(slack);
    expect(Math.abs((m.cpu_steal_pct ?? NaN) - pct(after.steal - before.steal))).toBeLessThanOrEqual(slack);
    // The busy loop alone kept one CPU busy for `burnt` ticks: the interval's utilisation is at least that share,
    // whatever else this machine was doing. A figure since boot, or over another window, would not be.
    expect(m.cpu_util_pct).toBeGreaterThanOrEqual(pct(burnt) - slack);
  });

  it('give plausible values once primed', async () => {
    const collectors = createCollectors({ procRoot: '/proc', ports: [port] });
    await Promise.all(collectors.map((c) => c.collect()));
    burnCpu(50); // so the interval is not empty
    const m = Object.assign({}, ...(await Promise.all(collectors.map((c) => c.collect())))) as Record<string, number>;
    for (const k of ['cpu_idle_pct', 'cpu_util_pct', 'cpu_iowait_pct', 'cpu_steal_pct', 'mem_available_pct', 'swap_used_pct']) {
      expect(m[k], k).toBeGreaterThanOrEqual(0);
      expect(m[k], k).toBeLessThanOrEqual(100);
    }
    expect(m.mem_available_bytes).toBeGreaterThan(0);
    expect(m.mem_available_bytes).toBeLessThanOrEqual(m.mem_total_bytes!);
    expect(m.procs_running).toBeGreaterThanOrEqual(1);
    expect(m.swap_in_pages_per_s).toBeGreaterThanOrEqual(0);
    expect(m.tcp_passive_opens_per_s).toBeGreaterThanOrEqual(0);
    // Three handshakes done, none accepted: all three wait in the accept queue, and count as established.
    expect(m[`listen_queue_${port}`]).toBe(3);
    expect(m[`established_${port}`]).toBe(3);
  });

  it('read host facts that the hello schema accepts', async () => {
    const facts = await readHostFacts('/proc');
    expect(facts.cores).toBeGreaterThanOrEqual(1);
    expect(facts.memTotalBytes).toBeGreaterThan(0);
    expect(hostFactsSchema.safeParse(facts).success).toBe(true);
  });

  it('read the whole of /proc/net/tcp, even when it is many pages long', async () => {
    // The kernel returns about a page of sockets per read(): 120 listeners make the table several pages.
    const servers = await Promise.all(
      Array.from({ length: 120 }, () => new Promise<Server>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => resolve(s)); })),
    );
    try {
      const ports = servers.map((s) => (s.address() as { port: number }).port);
      const m = await createCollectors({ procRoot: '/proc', ports }).find((c) => c.name === 'sockets')!.collect();
      for (const p of ports) expect(m[`listen_queue_${p}`], `port ${p}`).toBe(0);
    } finally {
      for (const s of servers) s.close();
    }
  });
});
