import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { commandGroups, type CommandGroup } from './commands/index.js';
import { exitCodeFor, runProgram } from './run_program.js';

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
  return program;
}

/** Runs the CLI and resolves to the exit code; never throws. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let program: Command;
  try {
    program = await buildProgram(argv);
  } catch (error) {
    return exitCodeFor(error);
  }
  return runProgram(program, argv);
}
