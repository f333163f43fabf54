// Facts about the host sent once in hello: name, cores, CPU model and speed, memory, kernel.
import { hostname } from 'node:os';
import si from 'systeminformation';
import type { HostFacts } from '../../shared/protocol/messages.js';
import { parseMeminfo } from '../proc/meminfo.js';
import { parseStat } from '../proc/stat.js';
import { readProcFile } from '../proc/read-proc.js';

/** Model name and MHz of the first CPU in /proc/cpuinfo (x86 and most others). */
export function parseCpuinfoFacts(text: string): { cpuModel?: string; cpuMHz?: number } {
  const model = (/^model name\s*:\s*(.+)$/m.exec(text) ?? /^(?:Processor|cpu model)\s*:\s*(.+)$/m.exec(text))?.[1]?.trim();
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(text)?.[1]);
  return { ...(model ? { cpuModel: model.slice(0, 200) } : {}), ...(Number.isFinite(mhz) && mhz > 0 ? { cpuMHz: Math.round(mhz) } : {}) };
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

/**
 * Reads the host facts. Under the real /proc, systeminformation supplies the CPU brand, speed and kernel (each within
 * a time limit); /proc under procRoot supplies the rest and is the only source for another proc root (tests).
 * A fact that cannot be read is absent.
 */
export async function readHostFacts(procRoot: string): Promise<HostFacts> {
  const [stat, meminfo, cpuinfo] = await Promise.all([
    optional(readProcFile(procRoot, 'stat'), 2_000),
    optional(readProcFile(procRoot, 'meminfo'), 2_000),
    optional(readProcFile(procRoot, 'cpuinfo'), 2_000),
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
  if (procRoot === '/proc') {
    const [cpu, os] = await Promise.all([optional(si.cpu(), 3_000), optional(si.osInfo(), 3_000)]);
    const brand = cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : '';
    facts = {
      ...facts,
      ...(brand ? { cpuModel: brand.slice(0, 200) } : {}),
      ...(cpu && cpu.speed > 0 ? { cpuMHz: Math.round(cpu.speed * 1000) } : {}),
      ...(os?.kernel ? { kernel: os.kernel.slice(0, 200) } : {}),
    };
  }
  return {
    hostname: hostname().slice(0, 200) || 'unknown',
    cores,
    ...facts,
    ...(memTotalBytes !== undefined ? { memTotalBytes } : {}),
  };
}
