import type { Command } from 'commander';
import { usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
import { adminToken, callServer, serverUrl } from '../server_api.js';
import { style } from '../terminal_style.js';

/**
 * The resource CLI (CONTRACT "Resource CLI"): `rolebridge tenants|token-configs|workloads|connections|keys|api-keys
 * <create|list|get|delete…>` over the admin API. Every subcommand takes `--server` (default ROLEBRIDGE_SERVER, else
 * http://127.0.0.1:8080), `--admin-token-file` (else ROLEBRIDGE_ADMIN_TOKEN) and `--json` (the API's answer as is).
 */
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

interface CommonFlags {
  server?: string;
  adminTokenFile?: string;
  json?: boolean;
  tenant?: string;
}

type Row = Record<string, unknown>;

function withCommonOptions(command: Command): Command {
  return command
    .option('--server <url>', `rolebridge server URL (ROLEBRIDGE_SERVER, default ${DEFAULT_SERVER})`)
    .option('--admin-token-file <path>', 'file holding the admin token (else ROLEBRIDGE_ADMIN_TOKEN)')
    .option('--json', "print the API's answer as JSON");
}

async function call<T>(flags: CommonFlags, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const server = serverUrl(flags.server, process.env, DEFAULT_SERVER);
  // --admin-token-file, ROLEBRIDGE_ADMIN_TOKEN, or what `rolebridge login` kept for this server.
  const token = await adminToken(flags.adminTokenFile, process.env, server);
  return callServer<T>({ server, token, method, path: `/api/v1${path}`, ...(body === undefined ? {} : { body }) });
}

const segment = (value: string): string => encodeURIComponent(value);

function tenantPath(flags: CommonFlags, rest: string): string {
  if (flags.tenant === undefined) throw usageError('missing --tenant');
  return `/tenants/${segment(flags.tenant)}${rest}`;
}

/** One resource as `key  value` lines; `secretField` is shown with a warning that it is shown only now. */
function printResource(resource: Row, json: boolean | undefined, secretField?: string): void {
  if (json) return printJson(resource);
  const width = Math.max(...Object.keys(resource).map((key) => key.length));
  for (const [key, value] of Object.entries(resource)) {
    if (value === undefined) continue;
    printLine(`${key.padEnd(width)}  ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  if (secretField !== undefined && typeof resource[secretField] === 'string') printLine(style.yellow(`The ${secretField} is shown only this once; store it now.`));
}

/** A list as aligned columns, one resource a line; `--json` prints the API's answer. */
function printList(answer: Row, key: string, columns: readonly string[], json: boolean | undefined): void {
  if (json) return printJson(answer);
  const rows = (answer[key] as Row[] | undefined) ?? [];
  if (rows.length === 0) return printLine(style.dim(`no ${key}`));
  const cells = [columns.map((column) => column.toUpperCase()), ...rows.map((row) => columns.map((column) => cell(row[column])))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)));
  for (const line of cells) printLine(line.map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index]!))).join('  ').trimEnd());
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Finds one entry of a list answer (for resources the API lists but has no single GET for). */
function pick(answer: Row, key: string, field: string, value: string, what: string): Row {
  const found = ((answer[key] as Row[] | undefined) ?? []).find((row) => row[field] === value);
  if (found === undefined) throw usageError(`no ${what} ${value}`);
  return found;
}

function group(program: Command, name: string, description: string): Command {
  // Another file may already have registered the group (`connections test`, `keys rewrap`): add to it.
  return program.commands.find((command) => command.name() === name) ?? program.command(name).description(description);
}

function positiveInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw usageError(`${flag} must be a whole number, got '${value}'`);
  return Number(value);
}

export function registerResourceCommands(program: Command): void {
  const tenants = group(program, 'tenants', 'Tenants: each has its own OIDC issuer and signing keys.');
  withCommonOptions(tenants.command('create').description('Create a tenant (and its first signing keys).'))
    .requiredOption('--id <id>', 'tenant id ([a-z0-9-], 3–63)')
    .option('--name <name>', 'display name (default: the id)')
    .action(async (flags: CommonFlags & { id: string; name?: string }) => printResource(await call<Row>(flags, 'POST', '/tenants', { id: flags.id, name: flags.name ?? flags.id }), flags.json));
  withCommonOptions(tenants.command('list').description('List the tenants.')).action(async (flags: CommonFlags) =>
    printList(await call<Row>(flags, 'GET', '/tenants'), 'tenants', ['id', 'name', 'issuer'], flags.json),
  );
  withCommonOptions(tenants.command('get').description('Show one tenant.').argument('<id>', 'tenant id')).action(async (id: string, flags: CommonFlags) =>
    printResource(await call<Row>(flags, 'GET', `/tenants/${segment(id)}`), flags.json),
  );

  const tokenConfigs = group(program, 'token-configs', "Token configs: a tenant's token shapes (audience, subject template, lifetime).");
  withCommonOptions(tokenConfigs.command('create').description('Create a token config.'))
    .requiredOption('--tenant <id>', 'the tenant')
    .requiredOption('--name <name>', 'name ([a-z0-9-])')
    .requiredOption('--subject-template <template>', 'sub template, e.g. app:deployment:{deployment}:component:{component}')
    .option('--audience <aud>', 'aud claim (default sts.amazonaws.com)')
    .option('--lifetime-seconds <n>', 'token lifetime')
    .action(async (flags: CommonFlags & { name: string; subjectTemplate: string; audience?: string; lifetimeSeconds?: string }) =>
      printResource(
        await call<Row>(flags, 'POST', tenantPath(flags, '/token-configs'), {
          name: flags.name,
          subjectTemplate: flags.subjectTemplate,
          ...(flags.audience === undefined ? {} : { audience: flags.audience }),
          ...(flags.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: positiveInteger(flags.lifetimeSeconds, '--lifetime-seconds') }),
        }),
        flags.json,
      ),
    );
  withCommonOptions(tokenConfigs.command('list').description("List a tenant's token configs.").requiredOption('--tenant <id>', 'the tenant')).action(async (flags: CommonFlags) =>
    printList(await call<Row>(flags, 'GET', tenantPath(flags, '/token-configs')), 'tokenConfigs', ['name', 'audience', 'subjectTemplate', 'lifetimeSeconds'], flags.json),
  );
  withCommonOptions(tokenConfigs.command('get').description('Show one token config.').argument('<name>', 'token config name').requiredOption('--tenant <id>', 'the tenant')).action(
    async (name: string, flags: CommonFlags) => printResource(pick(await call<Row>(flags, 'GET', tenantPath(flags, '/token-configs')), 'tokenConfigs', 'name', name, 'token config'), flags.json),
  );

  const workloads = group(program, 'workloads', "Workloads: a tenant's deployments and components that get tokens and credentials.");
  withCommonOptions(workloads.command('create').description('Create a workload; its secret is shown only in this answer.'))
    .requiredOption('--tenant <id>', 'the tenant')
    .requiredOption('--deployment <d>', 'deployment')
    .requiredOption('--component <c>', 'component')
    .option('--region <r>', 'region')
    .action(async (flags: CommonFlags & { deployment: string; component: string; region?: string }) =>
      printResource(
        await call<Row>(flags, 'POST', tenantPath(flags, '/workloads'), {
          deployment: flags.deployment,
          component: flags.component,
          ...(flags.region === undefined ? {} : { region: flags.region }),
        }),
        flags.json,
        'secret',
      ),
    );
  withCommonOptions(workloads.command('list').description("List a tenant's workloads.").requiredOption('--tenant <id>', 'the tenant')).action(async (flags: CommonFlags) =>
    printList(await call<Row>(flags, 'GET', tenantPath(flags, '/workloads')), 'workloads', ['id', 'deployment', 'component', 'region', 'subject'], flags.json),
  );
  withCommonOptions(workloads.command('get').description('Show one workload.').argument('<id>', 'workload id').requiredOption('--tenant <id>', 'the tenant')).action(
    async (id: string, flags: CommonFlags) => printResource(pick(await call<Row>(flags, 'GET', tenantPath(flags, '/workloads')), 'workloads', 'id', id, 'workload'), flags.json),
  );

  const connections = group(program, 'connections', "Connections between a tenant and its customers' AWS roles.");
  withCommonOptions(connections.command('create').description('Bind a role: the server proves the exchange before saving (unless --no-verify).'))
    .requiredOption('--tenant <id>', 'the tenant')
    .requiredOption('--name <name>', 'connection name ([a-z0-9-])')
    .requiredOption('--role-arn <arn>', "the customer's role")
    .requiredOption('--token-config <name>', 'token config whose tokens the role trusts')
    .option('--region <region>', 'STS region', 'us-east-1')
    .option('--no-verify', 'save without proving the exchange first')
    .option('--scope <scope>', 'the workloads it serves: workload:<id> | tenant | any comma-joined combination of deployment:<d>, component:<c>, region:<r>')
    .action(async (flags: CommonFlags & { name: string; roleArn: string; tokenConfig: string; region: string; verify: boolean; scope?: string }) =>
      printResource(
        await call<Row>(flags, 'POST', tenantPath(flags, '/connections'), {
          name: flags.name,
          roleArn: flags.roleArn,
          region: flags.region,
          tokenConfig: flags.tokenConfig,
          ...(flags.verify ? {} : { verify: false }),
          ...(flags.scope === undefined ? {} : { scope: flags.scope }),
        }),
        flags.json,
      ),
    );
  withCommonOptions(connections.command('list').description("List a tenant's connections.").requiredOption('--tenant <id>', 'the tenant')).action(async (flags: CommonFlags) =>
    printList(await call<Row>(flags, 'GET', tenantPath(flags, '/connections')), 'connections', ['name', 'roleArn', 'region', 'tokenConfig'], flags.json),
  );
  withCommonOptions(connections.command('get').description('Show one connection.').argument('<name>', 'connection name').requiredOption('--tenant <id>', 'the tenant')).action(
    async (name: string, flags: CommonFlags) => printResource(await call<Row>(flags, 'GET', tenantPath(flags, `/connections/${segment(name)}`)), flags.json),
  );
  withCommonOptions(connections.command('delete').description('Delete a connection.').argument('<name>', 'connection name').requiredOption('--tenant <id>', 'the tenant')).action(
    async (name: string, flags: CommonFlags) => {
      const answer = await call<Row | undefined>(flags, 'DELETE', tenantPath(flags, `/connections/${segment(name)}`));
      if (flags.json) printJson(answer ?? { deleted: name });
      else printLine(`Deleted connection ${name}.`);
    },
  );

  const keys = group(program, 'keys', "Signing keys of a tenant's issuer.");
  withCommonOptions(keys.command('list').description("List a tenant's signing keys.").requiredOption('--tenant <id>', 'the tenant')).action(async (flags: CommonFlags) =>
    printList(await call<Row>(flags, 'GET', tenantPath(flags, '/keys')), 'keys', ['kid', 'algorithm', 'state', 'published', 'createdAt'], flags.json),
  );
  withCommonOptions(keys.command('rotate').description('Rotate: a new key is published now and signs once caches have seen it.').requiredOption('--tenant <id>', 'the tenant')).action(
    async (flags: CommonFlags) => printList(await call<Row>(flags, 'POST', tenantPath(flags, '/keys/rotate'), {}), 'keys', ['kid', 'algorithm', 'state', 'published', 'createdAt'], flags.json),
  );

  const apiKeys = group(program, 'api-keys', 'API keys for operators and automation.');
  withCommonOptions(apiKeys.command('create').description('Create an API key; the key is shown only in this answer.'))
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--role <role>', 'admin or viewer')
    .option('--tenant <id>', 'limit the key to one tenant')
    .action(async (flags: CommonFlags & { name: string; role: string }) =>
      printResource(
        await call<Row>(flags, 'POST', '/api-keys', { name: flags.name, role: flags.role, ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }) }),
        flags.json,
        'token',
      ),
    );
  withCommonOptions(apiKeys.command('list').description('List API keys (never their secrets).')).action(async (flags: CommonFlags) =>
    printList(await call<Row>(flags, 'GET', '/api-keys'), 'apiKeys', ['id', 'name', 'role', 'tenant', 'revokedAt'], flags.json),
  );
  withCommonOptions(apiKeys.command('delete').description('Revoke an API key.').argument('<id>', 'API key id')).action(async (id: string, flags: CommonFlags) => {
    const answer = await call<Row | undefined>(flags, 'DELETE', `/api-keys/${segment(id)}`);
    if (flags.json) printJson(answer ?? { revoked: id });
    else printLine(`Revoked API key ${id}.`);
  });
}
