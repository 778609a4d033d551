import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliExit, EXIT_NEGATIVE, EXIT_USAGE, usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
import { style } from '../terminal_style.js';

/**
 * `rolebridge setup-code create`: for operators. Issues a single-use, short-lived set-up code for one tenant
 * and token config (`POST /api/v1/tenants/{t}/setup-codes`) and prints the `rolebridge setup aws` command to
 * hand the customer, so no admin token ever leaves the platform.
 */
interface CreateFlags {
  tenant: string;
  tokenConfig: string;
  ttl?: string;
  scope?: string;
  connection?: string;
  server?: string;
  adminTokenFile?: string;
  json?: boolean;
}

interface IssuedSetupCode {
  id: string;
  code: string;
  expiresAt: string;
  tenant: string;
  tokenConfig: string;
  scope: string | null;
  connection: string | null;
  command: string;
}

async function adminToken(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    try {
      const token = (await readFile(file, 'utf8')).trim();
      if (token) return token;
    } catch (error) {
      throw usageError(`cannot read --admin-token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
    }
  }
  const token = process.env.ROLEBRIDGE_ADMIN_TOKEN?.trim();
  if (!token) throw usageError('no admin token: set ROLEBRIDGE_ADMIN_TOKEN or pass --admin-token-file PATH.');
  return token;
}

function ttlSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw usageError(`--ttl takes whole seconds (60–86400), got '${text}'.`);
  return Number(text);
}

async function createSetupCode(flags: CreateFlags): Promise<void> {
  const server = (flags.server ?? process.env.ROLEBRIDGE_SERVER ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(server)) throw usageError(`--server must be an http(s) URL, got '${server}'.`);
  const body: Record<string, unknown> = { tokenConfig: flags.tokenConfig };
  const ttl = ttlSeconds(flags.ttl);
  if (ttl !== undefined) body.ttlSeconds = ttl;
  if (flags.scope !== undefined) body.scope = flags.scope;
  if (flags.connection !== undefined) body.connection = flags.connection;
  const token = await adminToken(flags.adminTokenFile);

  let response: Response;
  try {
    response = await fetch(`${server}/api/v1/tenants/${encodeURIComponent(flags.tenant)}/setup-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as Error).cause;
    throw new CliExit(EXIT_NEGATIVE, `cannot reach ${server}: ${cause instanceof Error ? cause.message : (error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let reason = `the server answered ${response.status}`;
    try {
      const envelope = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (envelope.error?.message) reason = `${envelope.error.message} (${envelope.error.code ?? response.status})`;
    } catch {
      // not our envelope: keep the status line
    }
    throw new CliExit(response.status >= 500 ? EXIT_NEGATIVE : EXIT_USAGE, reason);
  }
  const issued = JSON.parse(text) as IssuedSetupCode;
  if (flags.json) {
    printJson(issued);
    return;
  }
  printLine(`Set-up code ${issued.id} for tenant ${issued.tenant}, token config ${issued.tokenConfig}; single use, valid until ${issued.expiresAt}.`);
  if (issued.scope !== null) printLine(`Pinned scope: ${issued.scope}`);
  if (issued.connection !== null) printLine(`Pinned connection: ${issued.connection}`);
  printLine('Give your customer this command (it holds the code; it is shown only now):');
  printLine();
  printLine(`  ${style.bold(issued.command)}`);
  printLine();
  printLine(style.dim('They add --role-name and, unless pinned, a scope (--workload | --deployment [--component] | --tenant-wide); it runs with their own AWS credentials.'));
}

export function registerSetupCodeCommand(program: Command): void {
  const group = program.command('setup-code').description('Single-use set-up codes that let a customer run `rolebridge setup aws` without an admin token.');
  group
    .command('create')
    .description(
      'Issue a set-up code for one tenant and token config and print the `rolebridge setup aws` command to give the customer. The code works once, ' +
        'for --ttl seconds (default 3600), and the session it opens reaches only what set-up needs. Exit 0 issued, 2 bad input.',
    )
    .requiredOption('--tenant <id>', 'the tenant')
    .requiredOption('--token-config <name>', 'the token config the customer\'s role will trust')
    .option('--ttl <seconds>', 'how long the code may be used: 60–86400 (default 3600)')
    .option('--scope <scope>', 'pin the scope: workload:<id> | deployment:<d>[,component:<c>] | tenant')
    .option('--connection <name>', 'pin the connection name set-up creates')
    .option('--server <url>', 'rolebridge server URL (ROLEBRIDGE_SERVER, default http://127.0.0.1:8080)')
    .option('--admin-token-file <path>', 'file holding the admin token (else ROLEBRIDGE_ADMIN_TOKEN)')
    .option('--json', 'print {id, code, expiresAt, tenant, tokenConfig, scope, connection, command}')
    .action(async (flags: CreateFlags) => createSetupCode(flags));
}
