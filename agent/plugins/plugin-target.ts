// Turns what a person typed after `plugin test` (a file or a command) into a PluginSpec the agent's runner can run.
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { PROTOCOL } from '../../shared/defaults.js';
import { AGENT_DEFAULTS } from '../defaults.js';
import { isModulePath } from './module-plugin.js';
import type { PluginSpec } from './plugin-contract.js';

/** A plugin name from a file name: `postfix-mailq.mjs` → `postfix_mailq`, `/usr/bin/My Check` → `my_check`. */
export function pluginNameFromFile(target: string): string {
  const file = basename(target);
  const stem = file.slice(0, file.length - extname(file).length) || file;
  let name = stem
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(name)) name = `p_${name}`.replace(/_+$/, '');
  while (!PROTOCOL.namePattern.test(name) && name.length > 1) name = name.slice(0, -1);
  return PROTOCOL.namePattern.test(name) ? name : 'plugin';
}

export interface TargetOptions {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly timeoutMs: number;
}

/**
 * A module when the extension says so (.js/.mjs/.cjs/.ts/.mts/.cts); otherwise an executable: an existing file
 * (made absolute) or a command name looked up on PATH. Arguments only apply to executables.
 */
export function specForTarget(target: string, args: readonly string[], opts: TargetOptions): PluginSpec {
  const common = {
    name: opts.name,
    options: opts.options,
    timeoutMs: opts.timeoutMs,
    intervalMs: Math.max(AGENT_DEFAULTS.plugin.intervalMs, opts.timeoutMs),
  };
  if (isModulePath(target)) return { kind: 'module', ...common, path: resolve(target) };
  const isFile = target.includes('/') || (existsSync(target) && statSync(target).isFile());
  return { kind: 'exec', ...common, argv: [isFile ? resolve(target) : target, ...args] };
}
