import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig, parseMasterKey } from '../../config/index.js';
import { rewrapDatabaseMasterKey } from '../../runtime/index.js';
import { usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';

interface RewrapFlags {
  newMasterKeyFile: string;
  databaseUrl?: string;
  json?: boolean;
}

/**
 * `rolebridge keys rewrap --new-master-key-file F`: re-seals every signing key under a new master key, straight
 * in the database (ROLEBRIDGE_DATABASE_URL) with the current ROLEBRIDGE_MASTER_KEY. Run it again after a crash:
 * it picks up where it stopped. Then start the servers with the new key.
 */
async function runRewrap(flags: RewrapFlags): Promise<void> {
  let text: string;
  try {
    text = await readFile(flags.newMasterKeyFile, 'utf8');
  } catch (error) {
    throw usageError(`cannot read --new-master-key-file ${flags.newMasterKeyFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
  const newKey = parseMasterKey(text, '--new-master-key-file');
  const config = loadConfig(process.env, flags.databaseUrl === undefined ? {} : { databaseUrl: flags.databaseUrl });
  const progress = await rewrapDatabaseMasterKey(config, newKey, (p) => {
    if (!flags.json && p.rewrapped % 100 === 0) printLine(`  ${p.rewrapped} keys re-sealed…`);
  });
  if (flags.json) {
    printJson(progress);
    return;
  }
  printLine(
    `${progress.resumed ? 'Resumed an interrupted rewrap. ' : ''}Re-sealed ${progress.rewrapped} signing keys` +
      `${progress.alreadyDone > 0 ? ` (${progress.alreadyDone} were already under the new key)` : ''}; ${progress.total} in all.`,
  );
  printLine('Start the servers with ROLEBRIDGE_MASTER_KEY set to the new key; the old key no longer opens anything.');
}

/** Adds `rewrap` to the `keys` command group (created here when no other file made it). */
export function registerKeysRewrapCommand(program: Command): void {
  const keys = program.commands.find((command) => command.name() === 'keys') ?? program.command('keys').description('Signing keys');
  keys
    .command('rewrap')
    .description(
      'Re-seal every signing key under a new master key (reads the current one from ROLEBRIDGE_MASTER_KEY). Resumable: run it again after a crash. Stop the servers first; start them with the new key after.',
    )
    .requiredOption('--new-master-key-file <file>', 'file holding the new master key (32 bytes, base64)')
    .option('--database-url <url>', 'sqlite:<path> or postgres://… (ROLEBRIDGE_DATABASE_URL)')
    .option('--json', 'print {rewrapped, alreadyDone, total, resumed}')
    .action(runRewrap);
}
