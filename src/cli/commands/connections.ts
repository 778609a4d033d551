import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderConnectionTest, type ConnectionTestResult } from '../../doctor/index.js';
import { CliExit, EXIT_NEGATIVE, usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
import { progressLine } from '../progress_line.js';
import { adminToken, callServer, serverUrl } from '../server_api.js';
import { style } from '../terminal_style.js';

/**
 * `rolebridge connections test NAME --tenant T`: the doctor, through the server's
 * `POST /api/v1/tenants/{t}/connections/{c}/test`. Prints each step, the diagnosis with actual and expected
 * side by side and the corrected trust statement, then the negative probes; `--json` prints the API's
 * answer unchanged. Exit 0 when the connection passed, 1 when it failed, 2 for bad input.
 */
interface TestFlags {
  tenant: string;
  server?: string;
  trustPolicy?: string;
  workload?: string;
  probes: boolean;
  adminTokenFile?: string;
  json?: boolean;
}

async function trustPolicyFrom(path: string): Promise<object> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read --trust-policy ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw usageError(`--trust-policy ${path} is not JSON.`);
  }
  const role = (document as { Role?: { AssumeRolePolicyDocument?: unknown } } | null)?.Role;
  if (role?.AssumeRolePolicyDocument !== undefined) document = role.AssumeRolePolicyDocument;
  // IAM returns the document URL-encoded in some outputs (the raw API); the CLI decodes it.
  if (typeof document === 'string') {
    try {
      document = JSON.parse(decodeURIComponent(document));
    } catch {
      throw usageError(`--trust-policy ${path} does not hold a policy document.`);
    }
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw usageError(`--trust-policy ${path} does not hold a policy document.`);
  return document;
}

async function runTest(name: string, flags: TestFlags): Promise<void> {
  const server = serverUrl(flags.server, process.env, 'http://127.0.0.1:8080');
  const token = await adminToken(flags.adminTokenFile, process.env, server);
  const body: Record<string, unknown> = {};
  if (flags.trustPolicy !== undefined) body.trustPolicy = await trustPolicyFrom(flags.trustPolicy);
  if (flags.workload !== undefined) body.workload = flags.workload;
  if (!flags.probes) body.probes = false;

  // Seconds long (probes, STS retries): say it is working, on a TTY only.
  const progress = progressLine(`Testing connection ${name} (tenant ${flags.tenant}): token, issuer, AssumeRoleWithWebIdentity${flags.probes ? ', probes' : ''}…`);
  let result: ConnectionTestResult;
  try {
    result = await callServer<ConnectionTestResult>({
      server,
      token,
      method: 'POST',
      path: `/api/v1/tenants/${encodeURIComponent(flags.tenant)}/connections/${encodeURIComponent(name)}/test`,
      body,
      // Probes and retries of a slow STS can take a while; an unreachable issuer alone takes 5 s.
      timeoutMs: 120_000,
    });
  } finally {
    progress.stop();
  }
  if (flags.json) printJson(result);
  else printLine(renderConnectionTest(result, `Connection ${name} (tenant ${flags.tenant})`, style));
  if (!result.ok) throw new CliExit(EXIT_NEGATIVE);
}

export function registerConnectionsCommand(program: Command): void {
  const connections = program.command('connections').description('Connections between a tenant and its customers\' AWS roles.');
  connections
    .command('test')
    .description(
      'Test a connection end to end (token, issuer discovery/JWKS, AssumeRoleWithWebIdentity, each hop, GetCallerIdentity), diagnose what fails ' +
        'with the setting at fault and the corrected value, and check that the role refuses tokens it must refuse. Exit 0 passed, 1 failed, 2 bad input.',
    )
    .argument('<name>', 'the connection')
    .requiredOption('--tenant <id>', 'the tenant the connection belongs to')
    .option('--server <url>', 'rolebridge server URL (ROLEBRIDGE_SERVER, default http://127.0.0.1:8080)')
    .option('--trust-policy <file>', "the role's trust policy (JSON, or `aws iam get-role` output) so the failing statement and condition are named")
    .option('--workload <id>', 'the workload whose identity to test (default: the one that verified the connection)')
    .option('--no-probes', 'skip the negative probes')
    .option('--admin-token-file <path>', 'file holding the admin token (else ROLEBRIDGE_ADMIN_TOKEN)')
    .option('--json', 'print the API answer {ok, steps, diagnosis?, probes} as JSON')
    .action(async (name: string, flags: TestFlags) => runTest(name, flags));
}
