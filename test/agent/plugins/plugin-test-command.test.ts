// `plugin test`: runPluginTest's output and exit codes, and the shipped `lvs-feedback plugin test` run as a real process.
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runPluginTest, type PluginTestOptions } from '../../../agent/plugins/plugin-test-command.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { fixture } from '../../helpers/process-state.js';
import { runCli } from '../../helpers/processes.js';

async function test(target: string, args: string[] = [], opts: PluginTestOptions = {}): Promise<{ code: number; out: string }> {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  const code = await runPluginTest(target, args, opts, stream);
  return { code, out };
}

describe('runPluginTest', () => {
  it('a good module: exit 0, an aligned table and the run time', async () => {
    const { code, out } = await test(fixture('good.mjs'), [], { options: { limit: '5' } });
    expect(code).toBe(0);
    expect(out).toContain(`plugin good: module ${fixture('good.mjs')}\n`);
    expect(out).toContain('  good_depth  7\n  good_limit  5\n');
    expect(out).toMatch(/ok: 2 values in \d+(\.\d)? ms\n/);
  });

  it('an executable with arguments and a chosen name; its stderr is shown', async () => {
    const { code, out } = await test(fixture('key-values.sh'), ['x', 'y', 'z'], { name: 'kv', options: { limit: '9' } });
    expect(code).toBe(0);
    expect(out).toContain('  kv_deferred   3\n');
    expect(out).toContain('  kv_arg_count  3\n');
    expect(out).toContain('  kv_limit      9\n');
    expect(out).toContain('stderr (the agent logs it at debug level):\n  | just a note\n');
  });

  it('a command on PATH', async () => {
    const { code, out } = await test('echo', ['42']);
    expect(code).toBe(0);
    expect(out).toContain('plugin echo: exec echo 42\n');
    expect(out).toContain('  echo  42\n');
  });

  it('a throwing module: exit 1, the code, the message and the contract', async () => {
    const { code, out } = await test(fixture('throws.mjs'));
    expect(code).toBe(1);
    expect(out).toMatch(/FAILED after \d+(\.\d)? ms: PLUGIN_THREW: plugin throws: database is down\n/);
    expect(out).toContain('contract: collect(ctx) returns a number or an object of numbers');
  });

  it('garbage output: PLUGIN_OUTPUT and the output contract', async () => {
    const { code, out } = await test(fixture('garbage.sh'));
    expect(code).toBe(1);
    expect(out).toContain('PLUGIN_OUTPUT: plugin garbage: bad output: line 1');
    expect(out).toContain('contract: exit 0 and print a number, `key value` lines, or a JSON object of numbers');
  });

  it('a failing executable: PLUGIN_EXIT with its stderr', async () => {
    const { code, out } = await test(fixture('exit-3.sh'));
    expect(code).toBe(1);
    expect(out).toContain('PLUGIN_EXIT: plugin exit_3: exited with status 3: cannot connect to database at 127.0.0.1:5432');
  });

  it('a hanging module with --timeout: PLUGIN_TIMEOUT and a hint', async () => {
    const { code, out } = await test(fixture('hangs.mjs'), [], { timeoutMs: 200 });
    expect(code).toBe(1);
    expect(out).toContain('PLUGIN_TIMEOUT: plugin hangs: no result within 200 ms');
    expect(out).toContain('hint: it must finish within its timeout (--timeout');
  });

  it('missing files, directories and bad names: exit 1 with the reason', async () => {
    const missing = await test(fixture('nope.sh'));
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('PLUGIN_LOAD');
    expect(missing.out).toContain('no such file');
    const dir = await test(fixture(''));
    expect(dir.code).toBe(1);
    expect(dir.out).toContain('is a directory');
    const badName = await test(fixture('json.sh'), [], { name: 'Bad-Name' });
    expect(badName.code).toBe(1);
    expect(badName.out).toContain("plugin name 'Bad-Name' is not allowed");
  });
});

/** The shipped command, `lvs-feedback plugin test …`, as a real process. */
const runCommand = (args: string[]): ReturnType<typeof runCli> => runCli(['plugin', 'test', ...args], 20_000);

describe('lvs-feedback plugin test (a real process)', () => {
  it('runs an example, sets the exit code and exits by itself', async () => {
    const ok = await runCommand([join(REPO_ROOT, 'plugins/examples/sockets-and-files.sh')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('sockets_and_files_open_files');
    const bad = await runCommand([fixture('hangs.mjs'), '--timeout', '300ms']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('PLUGIN_TIMEOUT');
  });

  it('takes --option, --name and arguments after --', async () => {
    const r = await runCommand(['--name', 'kv', fixture('key-values.sh'), 'a', '-o', 'limit=4', '--', '--timeout', 'x']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kv_limit      4');
    expect(r.stdout).toContain('kv_arg_count  3');
  });

  it('refuses a malformed --option or --timeout with exit 1', async () => {
    const opt = await runCommand([fixture('good.mjs'), '--option', 'novalue']);
    expect(opt.code).toBe(1);
    expect(opt.stderr).toContain('--option "novalue": expected key=value');
    const timeout = await runCommand([fixture('good.mjs'), '--timeout', 'soon']);
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toContain('DURATION_INVALID');
  });
});
