// Test helpers for plugin processes: is a pid gone, waiting for it with a deadline, and fixture paths.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';

/** A file under test/fixtures/plugins/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/plugins/${name}`, import.meta.url));
}

/**
 * True when `pid` no longer runs. A killed orphan may linger as a zombie until init reaps it (some container
 * inits never do); a zombie runs nothing and holds nothing, so it counts as gone.
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw err;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true; // vanished between the two checks
  }
}

/** Waits (polling, with a deadline) until every pid is gone; fails the test naming the survivors. */
export async function expectAllGone(pids: readonly number[], timeoutMs = 3_000): Promise<void> {
  await vi.waitFor(
    () => {
      const alive = pids.filter((p) => !isGone(p));
      if (alive.length > 0) throw new Error(`still running: ${alive.join(', ')}`);
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/** Kills whatever a failed test left behind. */
export function killQuietly(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
