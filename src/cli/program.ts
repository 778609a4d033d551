import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isRolebridgeError } from '../core/index.js';
import { CliExit, EXIT_USAGE } from './cli_exit.js';
import { commandGroups, type CommandGroup } from './commands/index.js';

/** rolebridge's own version, from its package.json (two folders up from src/cli and from dist/cli alike). */
export function rolebridgeVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}

/**
 * The command groups `argv` needs: the one its command word names; none for `--version`; all of them for
 * help, no command or an unknown word (so help lists them all and a typo gets a suggestion).
 */
function groupsFor(argv: readonly string[]): readonly CommandGroup[] {
  const word = argv.find((arg) => !arg.startsWith('-'));
  if (word === undefined && (argv.includes('-V') || argv.includes('--version'))) return [];
  const named = word === undefined ? [] : commandGroups.filter((group) => group.words.includes(word));
  return named.length > 0 ? named : commandGroups;
}

/** The program with the command groups `argv` needs (default: all of them, e.g. for help). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('rolebridge')
    .description('Keyless access from a SaaS platform to its customers\' AWS accounts.')
    .version(rolebridgeVersion())
    .exitOverride();
  const registrations = await Promise.all(groupsFor(argv).map((group) => group.load()));
  for (const register of registrations) register(program);
  pointUsageErrorsAtHelp(program);
  return program;
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

/** Runs the CLI and resolves to the exit code; never throws. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let program: Command;
  try {
    program = await buildProgram(argv);
  } catch (error) {
    return exitCodeFor(error);
  }
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
