import type { Command } from 'commander';
import { usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
import { adminToken, callServer, serverUrl } from '../server_api.js';
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

function ttlSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw usageError(`--ttl takes whole seconds (60–86400), got '${text}'.`);
  return Number(text);
}

async function createSetupCode(flags: CreateFlags): Promise<void> {
  const server = serverUrl(flags.server, process.env, 'http://127.0.0.1:8080');
  const body: Record<string, unknown> = { tokenConfig: flags.tokenConfig };
  const ttl = ttlSeconds(flags.ttl);
  if (ttl !== undefined) body.ttlSeconds = ttl;
  if (flags.scope !== undefined) body.scope = flags.scope;
  if (flags.connection !== undefined) body.connection = flags.connection;
  const token = await adminToken(flags.adminTokenFile, process.env, server);

  const issued = await callServer<IssuedSetupCode>({
    server,
    token,
    method: 'POST',
    path: `/api/v1/tenants/${encodeURIComponent(flags.tenant)}/setup-codes`,
    body,
  });
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
  printLine(style.dim('They add --role-name and, unless pinned, a scope (--workload | --deployment and/or --component | --scope | --tenant-wide); it runs with their own AWS credentials.'));
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
    .option('--scope <scope>', 'pin the scope: workload:<id> | tenant | any comma-joined combination of deployment:<d>, component:<c>, region:<r>')
    .option('--connection <name>', 'pin the connection name set-up creates')
    .option('--server <url>', 'rolebridge server URL (ROLEBRIDGE_SERVER, default http://127.0.0.1:8080)')
    .option('--admin-token-file <path>', 'file holding the admin token (else ROLEBRIDGE_ADMIN_TOKEN)')
    .option('--json', 'print {id, code, expiresAt, tenant, tokenConfig, scope, connection, command}')
    .action(async (flags: CreateFlags) => createSetupCode(flags));
}
