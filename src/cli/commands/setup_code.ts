import type { Command } from 'commander';
import { usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
import { adminToken, callServer, serverUrl } from '../server_api.js';
import { style } from '../terminal_style.js';

/**
 * `rolebridge setup-code create`: for operators. Issues a single-use, short-lived set-up code for one tenant
 * and token config (`POST /api/v1/tenants/{t}/setup-codes`) and prints the lines to hand the customer: download
 * the set-up CLI this server serves, check its SHA-256, run `setup aws` with the code (and, when a scope is
 * pinned, the AWS CLI equivalent), so no admin token ever leaves the platform.
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
  setupCli: { version: string; file: string; url: string; sha256: string } | null;
  run: string[];
  awsCliScript: string | null;
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
  printLine('Give your customer these lines (they hold the code, shown only now; Node.js >= 20.19, no npm package needed):');
  printLine();
  for (const line of issued.run) printLine(`  ${style.bold(line)}`);
  printLine();
  if (issued.setupCli !== null) {
    printLine(style.dim(`${issued.setupCli.file} is the set-up CLI this server serves, SHA-256 ${issued.setupCli.sha256}; the second line refuses any other file (macOS: shasum -a 256 -c -).`));
  }
  printLine(style.dim('They add --role-name and, unless pinned, a scope (--workload | --deployment [--component] | --tenant-wide); it runs with their own AWS credentials.'));
  if (issued.awsCliScript !== null) {
    printLine();
    printLine('Without Node.js, these AWS CLI commands (safe to run twice) set the role up; they send you the role ARN it prints, and you add the connection:');
    printLine();
    printLine(issued.awsCliScript.trimEnd());
  } else {
    printLine(style.dim('Without Node.js: pin a scope (--scope) and this prints the equivalent AWS CLI commands.'));
  }
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
    .option('--json', 'print {id, code, expiresAt, tenant, tokenConfig, scope, connection, command, setupCli, run, awsCliScript}')
    .action(async (flags: CreateFlags) => createSetupCode(flags));
}
