// How commands end on an error: one clear line on stderr and an exit code systemd can act on.
import { describeError, LvsfError } from './errors.js';

/** sysexits.h EX_CONFIG: the service units do not restart on it (a bad config will not fix itself). */
export const EXIT_CONFIG = 78;
export const EXIT_FAILURE = 1;

/** Prints `lvs-feedback <command>: CODE: message` and returns the exit code to use. */
export function reportFatal(command: string, err: unknown): number {
  process.stderr.write(`lvs-feedback ${command}: ${describeError(err)}\n`);
  if (err instanceof LvsfError && (err.code === 'CONFIG_INVALID' || err.code === 'CONFIG_UNREADABLE')) return EXIT_CONFIG;
  if (!(err instanceof LvsfError) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT_FAILURE;
}
