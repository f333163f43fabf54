// lvs-feedback plugin template (TypeScript): copy this file anywhere, rename it, and replace collect() with your own.
//
// Try it:      lvs-feedback plugin test template.ts --option dir=/var/spool/myapp
// Use it:      plugins:
//                - name: myapp                      # metrics: myapp_uptime_seconds, myapp_dir_entries
//                  module: /usr/local/share/lvs-feedback/plugins/template.ts
//                  interval: 5s
//                  options: { dir: /var/spool/myapp }
//
// Rules (plugins/README.md has the details):
// - Return a number (reported as <name>) or an object of numbers (reported as <name>_<key>); keys are lower-case
//   letters, digits and _. Values must be finite numbers. Throw when you cannot measure: the metric is then absent
//   (never 0) and your error message is shown in the plugin's status on the director.
// - Finish well within the timeout (default 1.5 s) and pass ctx.signal to anything that can wait (fetch, child
//   processes): it is aborted at the timeout.
// - The module runs inside the agent: no long synchronous work (it would stall the agent); use an executable
//   plugin for that. Module-level code runs once, when the agent loads the plugin; collect() runs every interval.
import { readdir, readFile } from 'node:fs/promises';

// The contract, declared here so this file does not depend on the lvs-feedback sources.
interface PluginContext {
  /** The plugin's name from the agent config (the metric prefix). */
  readonly name: string;
  /** The plugin's `options:` block from the agent config (strings when given with `plugin test --option`). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Aborted when the run times out. */
  readonly signal: AbortSignal;
}
type PluginValue = number | Record<string, number>;

/** Seconds since boot: the first field of /proc/uptime ("12345.67 54321.00"). */
async function uptimeSeconds(): Promise<number> {
  const text = await readFile('/proc/uptime', 'utf8');
  const seconds = Number(text.split(/\s+/)[0]);
  if (!Number.isFinite(seconds)) throw new Error(`/proc/uptime: unexpected content ${JSON.stringify(text.slice(0, 40))}`);
  return seconds;
}

/** Number of entries in a folder, e.g. a work queue; a clear error when the folder is missing. */
async function entries(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).length;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`no folder ${dir}; set options.dir`);
    throw err;
  }
}

export default {
  name: 'template',
  async collect(ctx: PluginContext): Promise<PluginValue> {
    const dir = typeof ctx.options.dir === 'string' ? ctx.options.dir : '/tmp';
    const [uptime, count] = await Promise.all([uptimeSeconds(), entries(dir)]);
    ctx.signal.throwIfAborted(); // cheap check before returning; long loops should check it too
    return { uptime_seconds: Math.round(uptime), dir_entries: count };
  },
};
