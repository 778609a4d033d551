import { CommanderError, type Command } from 'commander';
import { isRolebridgeError } from '../core/index.js';
import { CliExit, EXIT_USAGE } from './cli_exit.js';

/**
 * Runs a built commander program and resolves to the exit code; never throws. Shared by `rolebridge` and the
 * stand-alone set-up CLI, which must not import the command table (it would bundle every command).
 */
export async function runProgram(program: Command, argv: readonly string[]): Promise<number> {
  pointUsageErrorsAtHelp(program);
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    return exitCodeFor(error);
  }
}

/** `rolebridge policy lint`: the words that run `command`, as a user types them. */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) words.unshift(at.name());
  return words.join(' ');
}

/**
 * A usage error prints one line and where to read more, as git does, not the whole help: the reason is
 * lost above 40 lines of options otherwise. Set on every command so the hint names the one that failed.
 */
function pointUsageErrorsAtHelp(command: Command): void {
  command.showHelpAfterError(`Run '${commandPath(command)} --help' for usage.`);
  for (const child of command.commands) pointUsageErrorsAtHelp(child);
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof CliExit) {
    if (error.reason) process.stderr.write(`rolebridge: ${error.reason}\n`);
    return error.exitCode;
  }
  if (error instanceof CommanderError) {
    // help and version are "errors" to commander but successes to the user.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return EXIT_USAGE;
  }
  if (isRolebridgeError(error)) {
    process.stderr.write(`rolebridge: ${error.message} (${error.code})\n`);
    return error.status >= 500 ? 1 : EXIT_USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`rolebridge: unexpected error: ${message}\n`);
  return 1;
}
