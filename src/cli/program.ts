import { Command, CommanderError } from 'commander';
import { isRolebridgeError } from '../core/index.js';
import { CliExit, EXIT_USAGE } from './cli_exit.js';
import { commandRegistrations } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('rolebridge')
    .description('Keyless access from a SaaS platform to its customers\' AWS accounts.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commandRegistrations) register(program);
  return program;
}

/** Runs the CLI and resolves to the exit code; never throws. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
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
