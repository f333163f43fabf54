// Reads a YAML config file once, validates it against a schema, and returns a frozen object or an error naming the key.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { ConfigInvalidError, ConfigUnreadableError, LvsfError, messageOf } from './errors.js';

/** Joins a zod issue path the way the YAML reads: `plugins[2].timeout`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Validates already-parsed data; `source` names where it came from in error messages. */
export function validateConfig<S extends z.ZodType>(schema: S, data: unknown, source: string): z.output<S> {
  const result = schema.safeParse(data ?? {});
  if (!result.success) {
    // zod reports at least one issue whenever parsing fails.
    const issue = result.error.issues[0]!;
    let key = formatKeyPath(issue.path);
    let reason = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.join(', ');
      key = key ? `${key}.${issue.keys[0]}` : String(issue.keys[0]);
      reason = `unknown key${issue.keys.length > 1 ? 's' : ''} (${names})`;
    }
    // A custom issue that carries one of our errors as its cause keeps that error's wording.
    const cause: unknown = issue.code === 'custom' ? issue.params?.cause : undefined;
    if (cause instanceof LvsfError) reason = cause.message;
    throw new ConfigInvalidError(source, key, reason);
  }
  return deepFreeze(result.data);
}

/** Reads, parses and validates a YAML config file. */
export function loadConfigFile<S extends z.ZodType>(schema: S, file: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigUnreadableError(file, messageOf(err), { cause: err });
  }
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ConfigUnreadableError(file, `not valid YAML: ${messageOf(err)}`, { cause: err });
  }
  return validateConfig(schema, data, file);
}
