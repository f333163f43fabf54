// Facts about the host sent once in hello: name, cores, CPU model and speed, memory, kernel.
import { existsSync } from 'node:fs';
import { cpus, hostname, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../../shared/version.js';
import { AGENT_DEFAULTS } from '../defaults.js';
import type { HostFacts } from '../../shared/protocol/messages.js';
import { parseMeminfo } from '../proc/meminfo.js';
import { parseStat } from '../proc/stat.js';
import { readProcFile } from '../proc/read-proc.js';

const H = AGENT_DEFAULTS.hostFacts;

/** Model name and MHz of the first CPU in /proc/cpuinfo (x86 and most others). */
export function parseCpuinfoFacts(text: string): { cpuModel?: string; cpuMHz?: number } {
  const model = (/^model name\s*:\s*(.+)$/m.exec(text) ?? /^(?:Processor|cpu model)\s*:\s*(.+)$/m.exec(text))?.[1]?.trim();
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(text)?.[1]);
  return { ...(model ? { cpuModel: model.slice(0, H.maxTextLength) } : {}), ...(Number.isFinite(mhz) && mhz > 0 ? { cpuMHz: Math.round(mhz) } : {}) };
}

async function optional<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface SiFacts {
  cpuModel?: string;
  cpuMHz?: number;
  kernel?: string;
}

/** The compiled worker next to this file, or in dist/ when running from sources (tests). */
function workerFile(): string | undefined {
  const here = fileURLToPath(new URL('./host-facts-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = join(PACKAGE_ROOT, 'dist/agent/collectors/host-facts-worker.js');
  return existsSync(built) ? built : undefined;
}

/**
 * CPU brand, speed and kernel from systeminformation, run in a worker thread that exits afterwards (loading the library
 * in the agent itself would add about 10 MB to its resident memory for a fact read once). Falls back to node:os.
 */
async function systemFacts(): Promise<SiFacts> {
  const fallback = (): SiFacts => {
    const cpu = cpus()[0];
    return { ...(cpu?.model ? { cpuModel: cpu.model.trim().slice(0, H.maxTextLength) } : {}), ...(cpu && cpu.speed > 0 ? { cpuMHz: cpu.speed } : {}), kernel: release().slice(0, H.maxTextLength) };
  };
  const file = workerFile();
  if (!file) return fallback();
  const worker = new Worker(file);
  const answer = new Promise<SiFacts | undefined>((resolve) => {
    worker.once('message', (m: SiFacts) => resolve(m));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  const facts = await optional(answer, H.systemInfoTimeoutMs);
  await worker.terminate();
  return { ...fallback(), ...(facts ?? {}) };
}

/**
 * Reads the host facts. Under the real /proc, systeminformation supplies the CPU brand, speed and kernel (within a
 * time limit); /proc under procRoot supplies the rest and is the only source for another proc root (tests).
 * A fact that cannot be read is absent.
 */
export async function readHostFacts(procRoot: string): Promise<HostFacts> {
  const [stat, meminfo, cpuinfo] = await Promise.all([
    optional(readProcFile(procRoot, 'stat'), H.procReadTimeoutMs),
    optional(readProcFile(procRoot, 'meminfo'), H.procReadTimeoutMs),
    optional(readProcFile(procRoot, 'cpuinfo'), H.procReadTimeoutMs),
  ]);
  let cores = 1;
  let memTotalBytes: number | undefined;
  try {
    if (stat) cores = parseStat(stat).cores;
  } catch {
    /* absent */
  }
  try {
    if (meminfo) memTotalBytes = parseMeminfo(meminfo).MemTotal;
  } catch {
    /* absent */
  }
  let facts: { cpuModel?: string; cpuMHz?: number; kernel?: string } = cpuinfo ? parseCpuinfoFacts(cpuinfo) : {};
  if (procRoot === '/proc') facts = { ...facts, ...(await systemFacts()) };
  return {
    hostname: hostname().slice(0, H.maxTextLength) || 'unknown',
    cores,
    ...facts,
    ...(memTotalBytes !== undefined ? { memTotalBytes } : {}),
  };
}
