// The running build: its package root, version and command path, found once from package.json (works from source and from dist/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** Root folder of the installed package (where package.json, plugins/ and the example configs live). */
export const PACKAGE_ROOT: string = dirname(findPackageJson() ?? fileURLToPath(import.meta.url));

export const VERSION: string = (() => {
  const file = findPackageJson();
  if (!file) return '0.0.0';
  const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '0.0.0';
})();

/** The built `lvs-feedback` command: what units, the demo and the tests start (`npm run build` makes it). */
export const CLI_PATH: string = join(PACKAGE_ROOT, 'dist', 'bin', 'lvs-feedback.js');
