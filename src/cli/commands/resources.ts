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

type Flags = CommonFlags & Record<string, unknown>;

interface CreateFlag {
  flags: string;
  description: string;
  required?: boolean;
  default?: string;
}

/** One resource of the admin API, as the CLI offers it. */
interface ResourceCommands {
  group: string;
  description: string;
  /** Under /api/v1, and under /tenants/{--tenant} when tenantScoped (every subcommand then requires --tenant). */
  path: string;
  tenantScoped: boolean;
  /** The list answer's key, the column a row is found by, and the columns `list` shows. */
  listKey: string;
  idField: string;
  columns: readonly string[];
  list: string;
  create?: {
    description: string;
    /** After the common flags (and --tenant), in this order. */
    flags: readonly CreateFlag[];
    body: (flags: Flags) => Row;
    /** A secret in the answer, shown with a warning that it is shown only now. */
    secretField?: string;
  };
  /** `from: 'list'`: the API has no single GET, the row is picked from the list. */
  get?: { description: string; argument: string; argumentDescription: string; from: 'path' | 'list'; what: string };
  /** POST <path><suffix>, answered with the list (`keys rotate`). */
  listingActions?: ReadonlyArray<{ name: string; description: string; suffix: string }>;
  remove?: { description: string; argument: string; argumentDescription: string; done: (id: string) => string; jsonAnswer: (id: string) => Row };
}

const text = (flags: Flags, name: string): string => flags[name] as string;
const optional = (flags: Flags, name: string, key = name): Row => (flags[name] === undefined ? {} : { [key]: flags[name] });

/** The resource CLI, one entry a resource: what `registerResourceCommands` registers. */
const RESOURCES: readonly ResourceCommands[] = [
  {
    group: 'tenants',
    description: 'Tenants: each has its own OIDC issuer and signing keys.',
    path: '/tenants',
    tenantScoped: false,
    listKey: 'tenants',
    idField: 'id',
    columns: ['id', 'name', 'issuer'],
    list: 'List the tenants.',
    create: {
      description: 'Create a tenant (and its first signing keys).',
      flags: [
        { flags: '--id <id>', description: 'tenant id ([a-z0-9-], 3–63)', required: true },
        { flags: '--name <name>', description: 'display name (default: the id)' },
      ],
      body: (flags) => ({ id: text(flags, 'id'), name: (flags.name as string | undefined) ?? text(flags, 'id') }),
    },
    get: { description: 'Show one tenant.', argument: 'id', argumentDescription: 'tenant id', from: 'path', what: 'tenant' },
  },
  {
    group: 'token-configs',
    description: "Token configs: a tenant's token shapes (audience, subject template, lifetime).",
    path: '/token-configs',
    tenantScoped: true,
    listKey: 'tokenConfigs',
    idField: 'name',
    columns: ['name', 'audience', 'subjectTemplate', 'lifetimeSeconds'],
    list: "List a tenant's token configs.",
    create: {
      description: 'Create a token config.',
      flags: [
        { flags: '--name <name>', description: 'name ([a-z0-9-])', required: true },
        { flags: '--subject-template <template>', description: 'sub template, e.g. app:deployment:{deployment}:component:{component}', required: true },
        { flags: '--audience <aud>', description: 'aud claim (default sts.amazonaws.com)' },
        { flags: '--lifetime-seconds <n>', description: 'token lifetime' },
      ],
      body: (flags) => ({
        name: text(flags, 'name'),
        subjectTemplate: text(flags, 'subjectTemplate'),
        ...optional(flags, 'audience'),
        ...(flags.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: positiveInteger(text(flags, 'lifetimeSeconds'), '--lifetime-seconds') }),
      }),
    },
    get: { description: 'Show one token config.', argument: 'name', argumentDescription: 'token config name', from: 'list', what: 'token config' },
  },
  {
    group: 'workloads',
    description: "Workloads: a tenant's deployments and components that get tokens and credentials.",
    path: '/workloads',
    tenantScoped: true,
    listKey: 'workloads',
    idField: 'id',
    columns: ['id', 'deployment', 'component', 'region', 'subject'],
    list: "List a tenant's workloads.",
    create: {
      description: 'Create a workload; its secret is shown only in this answer.',
      flags: [
        { flags: '--deployment <d>', description: 'deployment', required: true },
        { flags: '--component <c>', description: 'component', required: true },
        { flags: '--region <r>', description: 'region' },
      ],
      body: (flags) => ({ deployment: text(flags, 'deployment'), component: text(flags, 'component'), ...optional(flags, 'region') }),
      secretField: 'secret',
    },
    get: { description: 'Show one workload.', argument: 'id', argumentDescription: 'workload id', from: 'list', what: 'workload' },
  },
  {
    group: 'connections',
    description: "Connections between a tenant and its customers' AWS roles.",
    path: '/connections',
    tenantScoped: true,
    listKey: 'connections',
    idField: 'name',
    columns: ['name', 'roleArn', 'region', 'tokenConfig'],
    list: "List a tenant's connections.",
    create: {
      description: 'Bind a role: the server proves the exchange before saving (unless --no-verify).',
      flags: [
        { flags: '--name <name>', description: 'connection name ([a-z0-9-])', required: true },
        { flags: '--role-arn <arn>', description: "the customer's role", required: true },
        { flags: '--token-config <name>', description: 'token config whose tokens the role trusts', required: true },
        { flags: '--region <region>', description: 'STS region', default: 'us-east-1' },
        { flags: '--no-verify', description: 'save without proving the exchange first' },
      ],
      body: (flags) => ({
        name: text(flags, 'name'),
        roleArn: text(flags, 'roleArn'),
        region: text(flags, 'region'),
        tokenConfig: text(flags, 'tokenConfig'),
        ...(flags.verify ? {} : { verify: false }),
      }),
    },
    get: { description: 'Show one connection.', argument: 'name', argumentDescription: 'connection name', from: 'path', what: 'connection' },
    remove: {
      description: 'Delete a connection.',
      argument: 'name',
      argumentDescription: 'connection name',
      done: (name) => `Deleted connection ${name}.`,
      jsonAnswer: (name) => ({ deleted: name }),
    },
  },
  {
    group: 'keys',
    description: "Signing keys of a tenant's issuer.",
    path: '/keys',
    tenantScoped: true,
    listKey: 'keys',
    idField: 'kid',
    columns: ['kid', 'algorithm', 'state', 'published', 'createdAt'],
    list: "List a tenant's signing keys.",
    listingActions: [{ name: 'rotate', description: 'Rotate: a new key is published now and signs once caches have seen it.', suffix: '/rotate' }],
  },
  {
    group: 'api-keys',
    description: 'API keys for operators and automation.',
    path: '/api-keys',
    tenantScoped: false,
    listKey: 'apiKeys',
    idField: 'id',
    columns: ['id', 'name', 'role', 'tenant', 'revokedAt'],
    list: 'List API keys (never their secrets).',
    create: {
      description: 'Create an API key; the key is shown only in this answer.',
      flags: [
        { flags: '--name <name>', description: 'what the key is for', required: true },
        { flags: '--role <role>', description: 'admin or viewer', required: true },
        { flags: '--tenant <id>', description: 'limit the key to one tenant' },
      ],
      body: (flags) => ({ name: text(flags, 'name'), role: text(flags, 'role'), ...optional(flags, 'tenant') }),
      secretField: 'token',
    },
    remove: {
      description: 'Revoke an API key.',
      argument: 'id',
      argumentDescription: 'API key id',
      done: (id) => `Revoked API key ${id}.`,
      jsonAnswer: (id) => ({ revoked: id }),
    },
  },
];

function registerResource(program: Command, resource: ResourceCommands): void {
  const parent = group(program, resource.group, resource.description);
  const scoped = (command: Command): Command => (resource.tenantScoped ? command.requiredOption('--tenant <id>', 'the tenant') : command);
  const base = (flags: Flags): string => (resource.tenantScoped ? tenantPath(flags, resource.path) : resource.path);
  const one = (flags: Flags, id: string): string => `${base(flags)}/${segment(id)}`;
  const { create, get, remove } = resource;

  if (create !== undefined) {
    const command = scoped(withCommonOptions(parent.command('create').description(create.description)));
    for (const flag of create.flags) {
      if (flag.required) command.requiredOption(flag.flags, flag.description);
      else if (flag.default !== undefined) command.option(flag.flags, flag.description, flag.default);
      else command.option(flag.flags, flag.description);
    }
    command.action(async (flags: Flags) => printResource(await call<Row>(flags, 'POST', base(flags), create.body(flags)), flags.json, create.secretField));
  }
  withCommonOptions(scoped(parent.command('list').description(resource.list))).action(async (flags: Flags) =>
    printList(await call<Row>(flags, 'GET', base(flags)), resource.listKey, resource.columns, flags.json),
  );
  if (get !== undefined) {
    withCommonOptions(scoped(parent.command('get').description(get.description).argument(`<${get.argument}>`, get.argumentDescription))).action(
      async (id: string, flags: Flags) =>
        printResource(
          get.from === 'path'
            ? await call<Row>(flags, 'GET', one(flags, id))
            : pick(await call<Row>(flags, 'GET', base(flags)), resource.listKey, resource.idField, id, get.what),
          flags.json,
        ),
    );
  }
  for (const action of resource.listingActions ?? []) {
    withCommonOptions(scoped(parent.command(action.name).description(action.description))).action(async (flags: Flags) =>
      printList(await call<Row>(flags, 'POST', `${base(flags)}${action.suffix}`, {}), resource.listKey, resource.columns, flags.json),
    );
  }
  if (remove !== undefined) {
    withCommonOptions(scoped(parent.command('delete').description(remove.description).argument(`<${remove.argument}>`, remove.argumentDescription))).action(
      async (id: string, flags: Flags) => {
        const answer = await call<Row | undefined>(flags, 'DELETE', one(flags, id));
        if (flags.json) printJson(answer ?? remove.jsonAnswer(id));
        else printLine(remove.done(id));
      },
    );
  }
}

export function registerResourceCommands(program: Command): void {
  for (const resource of RESOURCES) registerResource(program, resource);
}
