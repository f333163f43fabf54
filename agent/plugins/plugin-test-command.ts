// `lvs-feedback plugin test`: runs one plugin once through the agent's own runner and shows its values or what is wrong.
import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { PROTOCOL } from '../../shared/defaults.js';
import { AGENT_DEFAULTS } from '../defaults.js';
import { parseDurationMs } from '../../shared/duration.js';
import { type LvsfError } from '../../shared/errors.js';
import { PluginLoadError } from '../errors.js';
import { reportFatal } from '../../shared/exit.js';
import { createLogger } from '../../shared/logging.js';
import { OUTPUT_CONTRACT } from './parse-output.js';
import type { PluginRunResult, PluginSpec } from './plugin-contract.js';
import { pluginNameFromFile, specForTarget } from './plugin-target.js';
import { PluginRunner } from './runner.js';

export interface PluginTestOptions {
  /** ctx.options for a module, LVSF_OPTION_<KEY> for an executable. */
  options?: Record<string, string>;
  timeoutMs?: number;
  /** Metric prefix; default: derived from the file name. */
  name?: string;
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function describeSpec(spec: PluginSpec): string {
  if (spec.kind === 'module') return `module ${spec.path}`;
  return `exec ${spec.argv.map((a) => (/^[\w./=:@%+,-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`;
}

/** What to look at next (by error code), then the contract for the plugin's kind. */
function hints(spec: PluginSpec, error: LvsfError): string[] {
  const module = spec.kind === 'module';
  const byCode: Record<string, string> = {
    PLUGIN_LOAD: module
      ? 'a module exports `default { collect(ctx) }`, a default function, or a named `collect`'
      : 'give an executable file (chmod +x, with a #! line) or a command on PATH',
    PLUGIN_TIMEOUT: `it must finish within its timeout (--timeout; the agent's default is ${AGENT_DEFAULTS.plugin.timeoutMs} ms)`,
    PLUGIN_EXIT: 'an executable must exit with status 0; the message ends with what it wrote on stderr',
    PLUGIN_THREW: 'collect(ctx) threw or rejected; the director shows this message in the plugin status',
  };
  const contract = module
    ? 'contract: collect(ctx) returns a number or an object of numbers (an executable would print a number, `key value` lines, or a JSON object of numbers)'
    : `contract: exit 0 and ${OUTPUT_CONTRACT}`;
  const specific = byCode[error.code];
  return [...(specific ? [`hint: ${specific}`] : []), `${contract}; see plugins/README.md`];
}

function printResult(spec: PluginSpec, result: PluginRunResult, out: NodeJS.WritableStream): void {
  if (result.ok) {
    const values = Object.entries(result.values);
    const width = Math.max(...values.map(([k]) => k.length));
    for (const [key, value] of values) out.write(`  ${key.padEnd(width)}  ${value}\n`);
    out.write(`ok: ${values.length} value${values.length === 1 ? '' : 's'} in ${formatMs(result.durationMs)}\n`);
  } else {
    out.write(`FAILED after ${formatMs(result.durationMs)}: ${result.error.code}: ${result.error.message}\n`);
  }
  if (result.stderr && result.error?.code !== 'PLUGIN_EXIT') {
    const note = result.ok ? ' (the agent logs it at debug level)' : '';
    out.write(`stderr${note}:\n${result.stderr.replace(/^/gm, '  | ')}\n`);
  }
  if (!result.ok) for (const line of hints(spec, result.error)) out.write(`${line}\n`);
}

/**
 * Runs one plugin once, exactly as the agent would, and prints the values as an aligned table or the reason it
 * failed. Returns the exit code: 0 on success, 1 on failure.
 */
export async function runPluginTest(
  target: string,
  args: string[],
  opts: PluginTestOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  const name = opts.name ?? pluginNameFromFile(target);
  if (!PROTOCOL.namePattern.test(name)) {
    out.write(`FAILED: plugin name '${name}' is not allowed: names are lower-case letters, digits and _, starting with a letter (${PROTOCOL.namePattern})\n`);
    return 1;
  }
  const spec = specForTarget(target, args, {
    name,
    options: { ...opts.options },
    timeoutMs: opts.timeoutMs ?? AGENT_DEFAULTS.plugin.timeoutMs,
  });
  out.write(`plugin ${name}: ${describeSpec(spec)}\n`);
  if (spec.kind === 'module' && args.length > 0) {
    out.write(`note: arguments (${args.join(' ')}) are ignored for a module plugin; pass --option key=value instead\n`);
  }
  const program = spec.kind === 'exec' ? (spec.argv[0] ?? '') : '';
  if (spec.kind === 'exec' && existsSync(program) && statSync(program).isDirectory()) {
    const error = new PluginLoadError(name, `${program} is a directory`);
    printResult(spec, { name, ok: false, error, durationMs: 0, finishedAt: 0 }, out);
    return 1;
  }
  const runner = new PluginRunner([spec], createLogger('plugin-test', 'silent'));
  const results = await runner.runAll(); // one result: the runner has one plugin
  for (const result of results) printResult(spec, result, out);
  return results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
}

/** `--option key=value` pairs as a record, or the first pair without `=`. */
function parseOptionPairs(pairs: readonly string[]): { options: Record<string, string> } | { bad: string } {
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { bad: pair };
    options[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { options };
}

/** A mistake on the command line: one line on stderr, exit status 1. */
function usageError(message: string): void {
  process.stderr.write(`lvs-feedback plugin test: ${message}\n`);
  process.exitCode = 1;
}

interface TestFlags {
  option?: string[];
  timeout?: string;
  name?: string;
}

/** The `plugin` command with its `test` subcommand, for the main CLI's program.addCommand(). */
export function pluginCommand(): Command {
  const test = new Command('test')
    .description('run a plugin once, the way the agent runs it, and print its values or what is wrong')
    .argument('<path-or-command>', 'a .js/.mjs/.cjs/.ts/.mts/.cts module, an executable file, or a command on PATH')
    .argument('[args...]', "arguments for an executable (put -- before any that look like this command's options)")
    .option('-o, --option <key=value>', 'a plugin option, repeatable (ctx.options.key; LVSF_OPTION_KEY for executables)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('-t, --timeout <duration>', `how long the run may take, e.g. 500ms or 2s (default ${AGENT_DEFAULTS.plugin.timeoutMs}ms)`)
    .option('-n, --name <name>', 'the metric prefix (default: from the file name)')
    .allowUnknownOption()
    .action(async (target: string, args: string[], flags: TestFlags) => {
      const parsed = parseOptionPairs(flags.option ?? []);
      if ('bad' in parsed) return usageError(`--option ${JSON.stringify(parsed.bad)}: expected key=value`);
      const { options } = parsed;
      try {
        const timeoutMs = flags.timeout === undefined ? undefined : parseDurationMs(flags.timeout);
        if (timeoutMs === 0) return usageError('--timeout must be more than 0');
        process.exitCode = await runPluginTest(
          target,
          args,
          { options, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(flags.name !== undefined ? { name: flags.name } : {}) },
          process.stdout,
        );
      } catch (err) {
        process.exitCode = reportFatal('plugin test', err);
      }
    });
  return new Command('plugin').description('write and check plugins (see plugins/README.md)').addCommand(test);
}
