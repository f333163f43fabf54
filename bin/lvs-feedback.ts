#!/usr/bin/env node
// The one `lvs-feedback` command: every subcommand (agent, plugin, …) is defined next to what it runs.
import { Command } from 'commander';
import { agentCommand } from '../agent/cli.js';
import { pluginCommand } from '../agent/plugins/plugin-test-command.js';
import { directorCommand, statusCommand } from '../director/cli.js';
import { demoCommand } from '../demo/demo-command.js';
import { simulateCommand } from '../simulations/cli.js';
import { VERSION } from '../shared/version.js';

const program = new Command('lvs-feedback')
  .description('Load feedback for Linux Virtual Server: agents report real-server load, directors set IPVS weights.')
  .version(VERSION)
  .addCommand(agentCommand())
  .addCommand(directorCommand())
  .addCommand(statusCommand())
  .addCommand(pluginCommand())
  .addCommand(demoCommand())
  .addCommand(simulateCommand());

await program.parseAsync(process.argv);
