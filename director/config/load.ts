// The director config's two doors: a YAML file on disk, or data already in memory (the demo, the simulations, tests).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfigFile, validateConfig } from '../../shared/config-file.js';
import { compileDirectorConfig } from './compile.js';
import type { DirectorConfig } from './director-config.js';
import { directorConfigSchema } from './schema.js';

const readText = (path: string): string => readFileSync(path, 'utf8');

/** Loads and validates the director config file. Throws ConfigUnreadableError / ConfigInvalidError. */
export function loadDirectorConfig(file: string, readSecret: (path: string) => string = readText): DirectorConfig {
  return compileDirectorConfig(loadConfigFile(directorConfigSchema, file), file, dirname(resolve(file)), readSecret);
}

/** Validates a config given as data; `source` names it in errors, `baseDir` resolves its token and TLS files. */
export function directorConfigFromData(data: unknown, source: string, baseDir: string, readSecret: (path: string) => string = readText): DirectorConfig {
  return compileDirectorConfig(validateConfig(directorConfigSchema, data, source), source, baseDir, readSecret);
}
