// Builds dist/ once before the tests, because integration tests run the real `lvs-feedback` command as a process.
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  // tsc emits even when it finds type errors; `npm test` type-checks separately first, so only a crash is fatal here.
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 2) throw new Error(`building dist/ failed:\n${r.stdout}${r.stderr}`);
}
