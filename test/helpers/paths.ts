// Paths the tests share: the repository root, the fixtures, and every production source file.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A file under test/fixtures/. */
export const fixturePath = (...parts: string[]): string => join(REPO_ROOT, 'test', 'fixtures', ...parts);

export const readFixture = (...parts: string[]): string => readFileSync(fixturePath(...parts), 'utf8');

/** The production folders: everything that ships (tests, docs and examples aside). */
export const SOURCE_FOLDERS = ['bin', 'agent', 'demo', 'director', 'shared', 'simulations'] as const;

/** Every production TypeScript file, as a path relative to the repository root (`director/core/step.ts`). */
export function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts)$/.test(e.name)) out.push(p);
    }
  };
  for (const f of SOURCE_FOLDERS) walk(f);
  return out.sort();
}

export const readSource = (file: string): string => readFileSync(join(REPO_ROOT, file), 'utf8');

export const fromRoot = (abs: string): string => relative(REPO_ROOT, abs);
