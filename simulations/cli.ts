// `lvs-feedback simulate`: runs the scenarios and writes the results table and plots.
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { reportFatal } from '../shared/exit.js';
import { PACKAGE_ROOT } from '../shared/version.js';

const DEFAULT_OUT = join(PACKAGE_ROOT, 'simulations/results');

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('run the cluster model: every scenario under every policy, results and plots to simulations/results/')
    .option('-o, --out <dir>', 'where to write results (the default one also updates the figures the READMEs quote)', DEFAULT_OUT)
    .option('-s, --scenario <name...>', 'only these scenarios (a70 a85 a8 b c d e f g)')
    .option('--seeds <n>', 'seeds per scenario and policy', '3')
    .option('--quick', 'runs a tenth as long (a smoke test; the figures mean little)')
    .action(async (opts: { out: string; scenario?: string[]; seeds: string; quick?: boolean }) => {
      try {
        // Loaded here so that other commands of this CLI (the agent) do not carry the model in memory.
        const { runAll } = await import('./run.js');
        const { writeResults } = await import('./report/write-results.js');
        const t0 = performance.now();
        const results = runAll({
          seeds: Math.max(1, Number(opts.seeds) || 3),
          ...(opts.scenario ? { scenarios: opts.scenario } : {}),
          ...(opts.quick ? { timeScale: 0.1 } : {}),
          onProgress: (line) => process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s  ${line}\n`),
        });
        const files = writeResults(results, opts.out);
        // The READMEs quote figures of the committed results: rewritten when those are.
        if (resolve(opts.out) === resolve(DEFAULT_OUT)) {
          const { updateQuotedFigures } = await import('./report/figures.js');
          const changed = updateQuotedFigures(join(opts.out, 'results.json'), [join(PACKAGE_ROOT, 'README.md'), join(PACKAGE_ROOT, 'simulations/README.md')]);
          if (changed.length > 0) process.stdout.write(`updated the figures quoted in ${changed.join(', ')}\n`);
        }
        process.stdout.write(`wrote ${files.join(', ')} to ${opts.out} in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      } catch (err) {
        process.exitCode = reportFatal('simulate', err);
      }
    });
}
