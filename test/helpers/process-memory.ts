// A process's memory as Linux counts it (/proc/<pid>/status): resident now, and the most it was resident at any time.
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** VmRSS: resident set now, bytes. */
  readonly rss: number;
  /** VmHWM: the peak resident set since the process started, bytes. */
  readonly peak: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export const mib = (bytes: number): number => Math.round((bytes / 1_048_576) * 10) / 10;

/** Reads `pid`'s resident memory every `everyMs` until stopped: how it moved, not only where it ended. */
export function sampleMemory(pid: number, everyMs = 200): { stop(): number[] } {
  const samples: number[] = [];
  const timer = setInterval(() => {
    try {
      samples.push(processMemory(pid).rss);
    } catch {
      // the process is gone: the samples so far are what there is
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
