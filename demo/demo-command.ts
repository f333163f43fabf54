// The `lvs-feedback demo` command; the demo itself loads only when it runs.
import { Command } from 'commander';
import { reportFatal } from '../shared/exit.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('watch the loop work on this machine: a dry-run director and three agents on loopback')
    .option('-d, --duration <seconds>', 'how long to run', '75')
    .action(async (opts: { duration: string }) => {
      try {
        const { runDemo } = await import('./demo.js');
        await runDemo(Math.max(5, Number(opts.duration) || 75));
      } catch (err) {
        process.exitCode = reportFatal('demo', err);
      }
    });
}
