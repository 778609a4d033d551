import type { Command } from 'commander';
import { type AccountSeed, DEFAULT_ACCOUNT, startEmulator } from '../../emulator/index.js';
import { usageError } from '../cli_exit.js';
import { listenError } from '../listen_error.js';
import { printJson, printLine } from '../output.js';
import { closeOnSignal } from '../server_flags.js';

interface AwsEmulatorFlags {
  host: string;
  port: string;
  accountId?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  account: string[];
  stateFile?: string;
  json?: boolean;
}

function accountSeed(accountId: string, accessKeyId: string, secretAccessKey: string): AccountSeed {
  if (!/^\d{12}$/.test(accountId)) throw usageError(`--account-id must be 12 digits, not "${accountId}"`);
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) throw usageError('--access-key-id must be 16-128 upper-case letters or digits');
  if (secretAccessKey.length < 16) throw usageError('--secret-access-key must be at least 16 characters');
  return { accountId, accessKeyId, secretAccessKey };
}

/** Flags win over ROLEBRIDGE_EMULATOR_* variables, which win over AWS's documentation example keys. */
export function emulatorAccounts(flags: AwsEmulatorFlags, env: NodeJS.ProcessEnv = process.env): AccountSeed[] {
  const first = accountSeed(
    flags.accountId ?? env.ROLEBRIDGE_EMULATOR_ACCOUNT_ID ?? DEFAULT_ACCOUNT.accountId,
    flags.accessKeyId ?? env.ROLEBRIDGE_EMULATOR_ACCESS_KEY_ID ?? DEFAULT_ACCOUNT.accessKeyId,
    flags.secretAccessKey ?? env.ROLEBRIDGE_EMULATOR_SECRET_ACCESS_KEY ?? DEFAULT_ACCOUNT.secretAccessKey,
  );
  const more = flags.account.map((spec) => {
    const [accountId, accessKeyId, ...secret] = spec.split(':');
    if (accountId === undefined || accessKeyId === undefined || secret.length === 0) {
      throw usageError(`--account takes ACCOUNT_ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY, not "${spec}"`);
    }
    return accountSeed(accountId, accessKeyId, secret.join(':'));
  });
  return [first, ...more];
}

export function registerAwsEmulatorCommand(program: Command): void {
  program
    .command('aws-emulator')
    .description('Run the local AWS STS + IAM emulator (AWS Query protocol; point the AWS CLI or SDKs at it with --endpoint-url).')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'listen port', '4566')
    .option('--account-id <id>', `12-digit account id (ROLEBRIDGE_EMULATOR_ACCOUNT_ID; default ${DEFAULT_ACCOUNT.accountId})`)
    .option('--access-key-id <key>', "the account's admin access key id (ROLEBRIDGE_EMULATOR_ACCESS_KEY_ID)")
    .option('--secret-access-key <secret>', "the account's admin secret key (ROLEBRIDGE_EMULATOR_SECRET_ACCESS_KEY)")
    .option('--account <id:key:secret>', 'another account with its admin keys (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .option('--state-file <path>', 'keep state across restarts in this JSON file (ROLEBRIDGE_EMULATOR_STATE_FILE)')
    .option('--json', 'print the endpoint and accounts as one JSON document')
    .action(async (flags: AwsEmulatorFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a port number, not "${flags.port}"`);
      const accounts = emulatorAccounts(flags);
      const stateFile = flags.stateFile ?? process.env.ROLEBRIDGE_EMULATOR_STATE_FILE;
      const emulator = await startEmulator({ host: flags.host, port, accounts, ...(stateFile ? { stateFile } : {}) }).catch((error: unknown) => {
        throw listenError(error, { host: flags.host, port, flag: '--port' }) ?? error;
      });
      if (flags.json) {
        printJson({ endpoint: emulator.url, accounts });
      } else {
        printLine(`AWS emulator (STS + IAM) listening on ${emulator.url}`);
        // These are the emulator's own fake admin keys, printed so they can be pasted; not real AWS keys.
        for (const account of accounts) {
          printLine(`  account ${account.accountId}:`);
          printLine(`    AWS_ACCESS_KEY_ID=${account.accessKeyId}`);
          printLine(`    AWS_SECRET_ACCESS_KEY=${account.secretAccessKey}`);
        }
        printLine(`  try: aws sts get-caller-identity --endpoint-url ${emulator.url}`);
        if (stateFile) printLine(`  state file: ${stateFile}`);
      }
      await closeOnSignal(() => emulator.close());
    });
}
