import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderConnectionTest, type ConnectionTestResult } from '../../aws/index.js';
import { CliExit, EXIT_NEGATIVE, EXIT_USAGE, usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
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

async function adminToken(flags: TestFlags): Promise<string> {
  if (flags.adminTokenFile !== undefined) {
    try {
      const token = (await readFile(flags.adminTokenFile, 'utf8')).trim();
      if (token) return token;
    } catch (error) {
      throw usageError(`cannot read --admin-token-file ${flags.adminTokenFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
    }
  }
  const token = process.env.ROLEBRIDGE_ADMIN_TOKEN?.trim();
  if (!token) throw usageError('no admin token: set ROLEBRIDGE_ADMIN_TOKEN or pass --admin-token-file PATH.');
  return token;
}

/** The pasted trust policy: a JSON document, or the `get-role` answer whose Role.AssumeRolePolicyDocument holds it. */
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
  const server = (flags.server ?? process.env.ROLEBRIDGE_SERVER ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(server)) throw usageError(`--server must be an http(s) URL, got '${server}'.`);
  const token = await adminToken(flags);
  const body: Record<string, unknown> = {};
  if (flags.trustPolicy !== undefined) body.trustPolicy = await trustPolicyFrom(flags.trustPolicy);
  if (flags.workload !== undefined) body.workload = flags.workload;
  if (!flags.probes) body.probes = false;

  const url = `${server}/api/v1/tenants/${encodeURIComponent(flags.tenant)}/connections/${encodeURIComponent(name)}/test`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
      // Probes and retries of a slow STS can take a while; an unreachable issuer alone takes 5 s.
      signal: AbortSignal.timeout(120_000),
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
  const result = JSON.parse(text) as ConnectionTestResult;
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
