import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { confirm, isCancel, multiselect, password, select, text } from '@clack/prompts';
import type { Command } from 'commander';
import {
  applySetup,
  bindConnection,
  chainTrustStatement,
  createAwsSetupClients,
  describeSetupPlan,
  hasPlannedChanges,
  managedPolicyArn,
  permissionPolicyForTemplates,
  prepareSetup,
  PERMISSION_POLICY_NAME,
  RolebridgeApiClient,
  RolebridgeApiError,
  type BoundConnection,
  type PreparedSetup,
  type SetupChange,
} from '../../setup/index.js';
import { formatSetupScope, parseSetupScope, SUBJECT_VALUE_PATTERN, type SetupScope } from '../../claims/index.js';
import { renderConnectionTest, type ConnectionTestResult } from '../../doctor/index.js';
import { InvalidInputError, isRolebridgeError } from '../../core/index.js';
import { PERMISSION_TEMPLATES, RENDER_FORMATS, renderPolicy, type PermissionParameters, type PolicyJson } from '../../policy/index.js';
import { CliExit, EXIT_NEGATIVE, usageError } from '../cli_exit.js';
import { printJson } from '../output.js';
import { style } from '../terminal_style.js';

interface SetupFlags {
  server?: string;
  adminTokenFile?: string;
  setupCode?: string;
  tenant?: string;
  tokenConfig?: string;
  roleName?: string;
  workload?: string;
  deployment?: string;
  component?: string;
  scope?: string;
  tenantWide?: boolean;
  permissions?: string;
  managedPolicy: string[];
  param: string[];
  chainRoleArn?: string;
  externalId?: string;
  connection?: string;
  region?: string;
  profile?: string;
  yes?: boolean;
  dryRun?: boolean;
  output?: string;
  json?: boolean;
}

/** What a set-up code was exchanged for (the session's token and what it is limited to). */
type SetupSession = Awaited<ReturnType<RolebridgeApiClient['startSetupSession']>>;

/** What the run needs, after flags, environment and (on a terminal) prompts. */
interface SetupInputs {
  server: string;
  /** The bearer for rolebridge: the admin token, or the session a set-up code was exchanged for. */
  apiToken: string;
  tenant: string;
  tokenConfig: string;
  roleName: string;
  scope: SetupScope;
  permissions: string[];
  /** AWS managed policy names or managed policy ARNs to attach. */
  managedPolicies: string[];
  parameters: PermissionParameters;
  chain?: { roleArn: string; externalId?: string };
  connection: string;
  region: string;
}

export function registerSetupCommand(program: Command): void {
  const setup = program.command('setup').description('Guided set-up in your own cloud account.');
  setup
    .command('aws')
    .description(
      'Connect an AWS account: with your AWS credentials (default chain, --profile, AWS_ENDPOINT_URL*), read the account, show every IAM change ' +
        '(API call, AWS CLI equivalent, diff), make each after approval, bind the role to rolebridge and test it. ' +
        'Exit 0 set up (or nothing to do), 1 a change refused or the test failed, 2 bad input or missing AWS permissions. ' +
        'Authenticate with a single-use set-up code from your platform (--setup-code or ROLEBRIDGE_SETUP_CODE; it is used up by the ' +
        'first run, dry runs included, and the run may then last up to an hour) or with an admin token.',
    )
    .option('--server <url>', 'rolebridge server URL (ROLEBRIDGE_SERVER)')
    .option('--setup-code <code>', 'single-use set-up code your platform gave you (else ROLEBRIDGE_SETUP_CODE); replaces the admin token')
    .option('--admin-token-file <path>', 'file holding the tenant admin token (else ROLEBRIDGE_ADMIN_TOKEN)')
    .option('--tenant <id>', 'tenant id (with a set-up code: taken from the code, must match)')
    .option('--token-config <name>', 'token config whose audience and subjects the role trusts (with a set-up code: taken from the code, must match)')
    .option('--role-name <name>', 'IAM role to create or extend')
    .option('--workload <id>', 'scope: trust exactly one workload')
    .option('--deployment <d>', 'scope: trust a deployment (with --component: one component of it)')
    .option('--component <c>', 'scope: trust one component (alone: in every deployment; with --deployment: of that deployment)')
    .option(
      '--scope <scope>',
      'scope, as the API writes it: workload:<id>, tenant, or any comma-joined combination of deployment:<d>, component:<c>, region:<r>',
    )
    .option('--tenant-wide', 'scope: trust every workload of the tenant')
    .option('--permissions <list>', `comma-separated permission templates: ${PERMISSION_TEMPLATES.join(', ')}`)
    .option(
      '--managed-policy <name>',
      'an AWS managed policy to attach to the role (AmazonS3ReadOnlyAccess, ReadOnlyAccess, …) or a managed policy ARN; repeatable, or comma-separated',
      collect,
      [],
    )
    .option('--param <key=value>', 'a permission-template parameter (bucket, resultsBucket, dbResourceId, dbUser, clusterIdentifier, …); repeatable', collect, [])
    .option('--chain-role-arn <arn>', 'a second role the first one assumes (role chaining)')
    .option('--external-id <id>', 'ExternalId the chained role requires')
    .option('--connection <name>', 'connection name in rolebridge (default: the set-up code\'s, else the role name)')
    .option(
      '--region <region>',
      'AWS region for the connection (default AWS_REGION or us-east-1); given without any other scope flag, also the scope: the workloads of that region',
    )
    .option('--profile <profile>', 'AWS profile to run as')
    .option('--yes', 'approve every change')
    .option('--dry-run', 'only print the plan')
    .option('--output <format>', `write the equivalent instead of applying: ${RENDER_FORMATS.filter((f) => f !== 'json').join('|')}`)
    .option('--json', 'print {changes, connection, test}')
    .action(async (flags: SetupFlags) => runSetup(flags));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);

async function runSetup(flags: SetupFlags): Promise<void> {
  if (flags.output !== undefined && !['terraform', 'cloudformation', 'cli'].includes(flags.output)) {
    throw usageError(`--output must be terraform, cloudformation or cli (got ${flags.output})`);
  }
  // With --json (one JSON document) or --output (the code), stdout carries only that; people read stderr.
  const out: Writable = flags.json || flags.output !== undefined ? process.stderr : process.stdout;
  const say = (line = ''): void => {
    out.write(`${line}\n`);
  };
  const inputs = await resolveInputs(flags, out);
  const aws = createAwsSetupClients({ ...(flags.profile === undefined ? {} : { profile: flags.profile }), region: inputs.region });
  const api = new RolebridgeApiClient(inputs.server, inputs.apiToken);
  const prepared = await prepareSetup(api, aws, {
    tenant: inputs.tenant,
    tokenConfig: inputs.tokenConfig,
    scope: inputs.scope,
    roleName: inputs.roleName,
    permissions: inputs.permissions,
    managedPolicies: inputs.managedPolicies,
    parameters: inputs.parameters,
    region: inputs.region,
    ...(inputs.chain === undefined ? {} : { chain: inputs.chain }),
  });

  say(`Running as ${style.bold(prepared.caller.arn)} (account ${prepared.caller.account})`);
  if (!prepared.permissionCheck.checked) say(style.yellow(`Note: ${prepared.permissionCheck.note ?? ''}; changes stop at the first denial.`));
  say(`Plan for role ${inputs.roleName} (tenant ${inputs.tenant}, token config ${inputs.tokenConfig}):`);
  say(describeSetupPlan(prepared.changes, { added: style.green, removed: style.red, dim: style.dim }));
  const chain = inputs.chain;
  if (chain !== undefined && chain.roleArn.split(':')[4] !== prepared.caller.account) {
    // Another account's role cannot be changed with these credentials: say exactly what its owner must add.
    const roleArn = `arn:aws:iam::${prepared.caller.account}:role/${inputs.roleName}`;
    say(style.yellow(`The chained role ${chain.roleArn} is in another account; its owner must add this statement to its trust policy:`));
    say(JSON.stringify(chainTrustStatement(roleArn, chain.externalId), null, 2));
  }

  if (flags.output !== undefined) {
    // The generated code carries the trust and inline policies only: say what else the plan attaches.
    for (const change of prepared.changes.filter((c) => c.action === 'AttachRolePolicy')) {
      say(style.yellow(`Not in the generated code, attach it yourself: ${change.cliCommand}`));
    }
    process.stdout.write(renderAsCode(flags.output, inputs, prepared));
    return;
  }
  if (flags.dryRun) {
    say(hasPlannedChanges(prepared.changes) ? 'Dry run: nothing was changed.' : 'Nothing to do: the account is already set up.');
    if (flags.json) printJson({ changes: changesJson(prepared.changes), connection: null, test: null });
    return;
  }
  if (!hasPlannedChanges(prepared.changes)) say('Nothing to change in AWS: the account is already set up.');
  else if (!flags.yes && !interactive()) {
    throw usageError('the plan has changes to approve: pass --yes, or run in a terminal to approve each change');
  }

  let outcome: Awaited<ReturnType<typeof applySetup>>;
  try {
    outcome = await applySetup(
      aws.iam,
      prepared.changes,
      async (change, step) => flags.yes === true || approveInteractively(change, step, out),
      (change) => say(style.green(`✓ ${change.summary}`)),
    );
  } catch (error) {
    // What was applied stays applied (and was printed); a rerun reads the account again and plans only the rest.
    if (isRolebridgeError(error)) say(style.red('Stopped before the set-up was complete; rerun the same command to finish it.'));
    throw error;
  }
  if (outcome.refused !== undefined) {
    say(style.yellow(`Stopped: "${outcome.refused.summary}" was refused.`));
    for (const change of outcome.changes) say(`  [${change.status}] ${change.summary}`);
    say('Nothing after the refused change was made; rerun any time to continue.');
    if (flags.json) printJson({ changes: changesJson(outcome.changes), connection: null, test: null });
    throw new CliExit(EXIT_NEGATIVE);
  }

  const roleArn = prepared.changes.find((change) => change.action === 'CreateRole' || change.action === 'UpdateAssumeRolePolicy')!.target;
  say(`Binding connection ${inputs.connection} to ${roleArn} (rolebridge verifies it with a real exchange first)…`);
  let bound: BoundConnection;
  try {
    bound = await bindConnection(api, {
      tenant: inputs.tenant,
      name: inputs.connection,
      roleArn,
      region: inputs.region,
      tokenConfig: inputs.tokenConfig,
      scope: inputs.scope,
      ...(inputs.chain === undefined ? {} : { chain: inputs.chain }),
    });
  } catch (error) {
    if (error instanceof RolebridgeApiError && error.httpStatus === 422) {
      say(style.red(`The role was set up but rolebridge could not assume it: ${error.message}`));
      if (flags.json) printJson({ changes: changesJson(outcome.changes), connection: null, test: null, error: error.toJSON() });
      throw new CliExit(EXIT_NEGATIVE);
    }
    throw error;
  }
  say(
    bound.status === 'unchanged'
      ? `Connection ${bound.connection.name} already binds ${bound.connection.roleArn}.`
      : `✓ Connection ${bound.connection.name} saved${bound.verifiedWith ? ` (verified with workload ${bound.verifiedWith})` : ' (no workload in the scope yet, so not verified)'}.`,
  );

  say('Testing the connection (doctor, with negative probes)…');
  const test = await runDoctor(api, inputs.tenant, bound.connection.name);
  if (test === null) say(style.yellow('This rolebridge server has no connection test; skipped.'));
  else say(renderConnectionTest(test, `Connection test of ${bound.connection.name}`, style));
  if (flags.json) printJson({ changes: changesJson(outcome.changes), connection: bound.connection, test });
  if (test !== null && !test.ok) throw new CliExit(EXIT_NEGATIVE);
}

function changesJson(changes: readonly SetupChange[]): Array<Record<string, string>> {
  return changes.map((change) => ({ action: change.action, target: change.target, status: change.status, summary: change.summary, cliCommand: change.cliCommand }));
}

async function approveInteractively(change: SetupChange, step: number, output: Writable): Promise<boolean> {
  const answer = await confirm({ output, message: `Step ${step}: ${change.summary} — apply (iam:${change.action})?`, initialValue: true });
  return !isCancel(answer) && answer;
}

async function runDoctor(api: RolebridgeApiClient, tenant: string, connection: string): Promise<ConnectionTestResult | null> {
  try {
    return await api.testConnection(tenant, connection);
  } catch (error) {
    // A server without the doctor route answers 404 for the route itself.
    if (error instanceof RolebridgeApiError && error.httpStatus === 404 && error.remoteCode !== 'connection_not_found') return null;
    throw error;
  }
}

function renderAsCode(format: string, inputs: SetupInputs, prepared: PreparedSetup): string {
  const trust = prepared.changes.find((change) => change.action === 'CreateRole' || change.action === 'UpdateAssumeRolePolicy')?.document?.after;
  const permissions = prepared.desired.permissionPolicy;
  return renderPolicy(format, {
    issuer: prepared.issuerUrl,
    audiences: [prepared.audience],
    roleName: inputs.roleName,
    ...(prepared.desired.thumbprints === undefined ? {} : { thumbprints: prepared.desired.thumbprints }),
    providerExists: !prepared.changes.some((change) => change.action === 'CreateOpenIDConnectProvider'),
    trustPolicy: trust ?? ({ Version: '2012-10-17', Statement: [prepared.desired.trustStatement] } satisfies PolicyJson),
    ...(permissions === undefined ? {} : { permissionPolicies: [{ name: PERMISSION_POLICY_NAME, policy: permissions }] }),
  });
}

/** Flags, then environment, then (on a terminal) prompts; without a terminal a missing value is a usage error naming the flags. */
async function resolveInputs(flags: SetupFlags, output: Writable): Promise<SetupInputs> {
  const ask = (message: string, initial?: string): Promise<string> => askText(output, message, initial);
  const scopeFlags = [flags.workload, flags.deployment ?? flags.component, flags.scope, flags.tenantWide].filter((value) => value !== undefined && value !== false);
  if (scopeFlags.length > 1) throw usageError(`give one scope: ${SCOPE_FLAGS}`);
  if (flags.externalId !== undefined && flags.chainRoleArn === undefined) throw usageError('--external-id needs --chain-role-arn');
  if (flags.setupCode !== undefined && flags.adminTokenFile !== undefined) throw usageError('give --setup-code or --admin-token-file, not both');
  // A set-up code, when there is one, wins over an admin token lying in the environment: it is the narrower credential.
  const setupCode = flags.setupCode ?? nonEmpty(process.env.ROLEBRIDGE_SETUP_CODE);
  const adminToken =
    setupCode !== undefined ? undefined : (process.env.ROLEBRIDGE_ADMIN_TOKEN ?? (flags.adminTokenFile === undefined ? undefined : readSecretFile(flags.adminTokenFile)));
  const server = flags.server ?? process.env.ROLEBRIDGE_SERVER;
  let scope = scopeFromFlags(flags);
  // `--region` alone names the scope too (a set-up code's own scope still wins, below).
  if (scope === undefined && setupCode === undefined && flags.region !== undefined) scope = { kind: 'attributes', attributes: { region: scopeValue('--region', flags.region) } };

  if (!interactive()) {
    const missing = [
      server === undefined ? '--server' : undefined,
      adminToken === undefined && setupCode === undefined ? '--setup-code (or ROLEBRIDGE_SETUP_CODE), or --admin-token-file (or ROLEBRIDGE_ADMIN_TOKEN)' : undefined,
      flags.tenant === undefined && setupCode === undefined ? '--tenant' : undefined,
      flags.tokenConfig === undefined && setupCode === undefined ? '--token-config' : undefined,
      flags.roleName === undefined ? '--role-name' : undefined,
      scope === undefined && setupCode === undefined ? SCOPE_FLAGS : undefined,
    ].filter((flag): flag is string => flag !== undefined);
    if (missing.length > 0) throw usageError(`missing ${missing.join(', ')} (not a terminal, so nothing can be asked)`);
  }
  // Checked before a set-up code is spent on the run.
  if (flags.roleName !== undefined) checkRoleName(flags.roleName);
  for (const policy of flags.managedPolicy.flatMap(splitList)) managedPolicyArn(policy);
  const serverUrl = server ?? (await ask('rolebridge server URL', 'http://127.0.0.1:8080'));
  let session: SetupSession | undefined;
  if (setupCode !== undefined) {
    session = await new RolebridgeApiClient(serverUrl, setupCode).startSetupSession();
    output.write(`Set-up code accepted: tenant ${session.tenant}, token config ${session.tokenConfig}; this run may use it until ${session.expiresAt}.\n`);
    matchSession('--tenant', flags.tenant, session.tenant);
    matchSession('--token-config', flags.tokenConfig, session.tokenConfig);
    if (session.scope !== null) {
      const pinned = parseSetupScope(session.scope);
      if (scope !== undefined && formatSetupScope(scope) !== session.scope) matchSession('scope', formatSetupScope(scope), session.scope);
      scope = pinned;
    }
    matchSession('--connection', flags.connection, session.connection ?? undefined);
    if (scope === undefined && flags.region !== undefined) scope = { kind: 'attributes', attributes: { region: scopeValue('--region', flags.region) } };
    if (scope === undefined && !interactive()) throw usageError(`missing ${SCOPE_FLAGS} (the set-up code pins no scope)`);
  }
  const tenant = flags.tenant ?? session?.tenant ?? (await ask('Tenant id'));
  const inputs: SetupInputs = {
    server: serverUrl,
    apiToken: session?.sessionToken ?? adminToken ?? (await askSecret(output, 'Tenant admin token')),
    tenant,
    tokenConfig: flags.tokenConfig ?? session?.tokenConfig ?? (await ask('Token config', 'default')),
    roleName: flags.roleName ?? (await ask('IAM role name', `rolebridge-${tenant}`)),
    scope: scope ?? (await askScope(output)),
    permissions: flags.permissions !== undefined ? splitList(flags.permissions) : interactive() ? await askPermissions(output) : [],
    managedPolicies: flags.managedPolicy.flatMap(splitList),
    parameters: {},
    connection: flags.connection ?? '',
    region: flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(flags.chainRoleArn === undefined
      ? {}
      : { chain: { roleArn: flags.chainRoleArn, ...(flags.externalId === undefined ? {} : { externalId: flags.externalId }) } }),
  };
  // Connection names are [a-z0-9-]{1,63}; role names allow more.
  inputs.connection = flags.connection ?? session?.connection ?? inputs.roleName.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
  checkRoleName(inputs.roleName);
  const unknown = inputs.permissions.filter((name) => !(PERMISSION_TEMPLATES as readonly string[]).includes(name));
  if (unknown.length > 0) throw usageError(`unknown permission template ${unknown.join(', ')} (known: ${PERMISSION_TEMPLATES.join(', ')})`);
  inputs.parameters = await templateParameters(inputs.permissions, parseParams(flags.param), inputs.region, output);
  return inputs;
}

function checkRoleName(roleName: string): void {
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) throw usageError(`--role-name must be 1–64 of letters, digits and + = , . @ _ - (IAM's rule); got ${roleName}`);
}

/** A flag given next to a set-up code must say what the code says (the server would refuse anything else). */
function matchSession(flag: string, given: string | undefined, fromCode: string | undefined): void {
  if (given !== undefined && fromCode !== undefined && given !== fromCode) {
    throw usageError(`the set-up code is for ${flag} ${fromCode}, not ${given}; drop the flag or ask your platform for a code for ${given}`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

const SCOPE_FLAGS = '--workload | --deployment [--component] | --tenant-wide | --component alone | --scope | --region alone';

function scopeFromFlags(flags: SetupFlags): SetupScope | undefined {
  if (flags.workload !== undefined) return parseSetupScope(`workload:${flags.workload}`);
  if (flags.scope !== undefined) return parseSetupScope(flags.scope);
  if (flags.deployment !== undefined || flags.component !== undefined) {
    return {
      kind: 'attributes',
      attributes: {
        ...(flags.deployment === undefined ? {} : { deployment: scopeValue('--deployment', flags.deployment) }),
        ...(flags.component === undefined ? {} : { component: scopeValue('--component', flags.component) }),
      },
    };
  }
  if (flags.tenantWide) return { kind: 'attributes', attributes: {} };
  return undefined;
}

/** A scope value from a flag, checked as the API checks it (so `--component 'a,b'` cannot smuggle a second pin). */
function scopeValue(flag: string, value: string): string {
  if (!SUBJECT_VALUE_PATTERN.test(value)) throw usageError(`${flag} must be 1–64 of letters, digits, '.', '_' and '-' (got ${value})`);
  return value;
}

/** Asks for each parameter a template still needs (on a terminal); otherwise names the missing `--param`. */
async function templateParameters(templates: readonly string[], given: Record<string, string>, region: string, output: Writable): Promise<PermissionParameters> {
  const parameters: Record<string, string> = { ...given };
  for (;;) {
    try {
      permissionPolicyForTemplates(templates, { region, ...parameters });
      return parameters as PermissionParameters;
    } catch (error) {
      if (!(isRolebridgeError(error) && error.code === 'missing_template_parameter')) throw error;
      const parameter = String(error.details?.parameter);
      if (!interactive()) throw usageError(`${error.message} Pass --param ${parameter}=…`);
      parameters[parameter] = await askText(output, `${String(error.details?.template)} template: ${parameter}`);
    }
  }
}

function parseParams(pairs: readonly string[]): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usageError(`--param takes key=value (got ${pair})`);
    parameters[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return parameters;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function readSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    throw new InvalidInputError('unreadable_token_file', `Cannot read the admin token file ${path}.`);
  }
}

/** A cancelled prompt (Ctrl-C, Esc) ends the run as refused, with nothing changed after it. */
function answered<T>(value: T): Exclude<T, symbol> {
  if (isCancel(value)) throw new CliExit(EXIT_NEGATIVE, 'cancelled');
  return value as Exclude<T, symbol>;
}

async function askText(output: Writable, message: string, initial?: string): Promise<string> {
  return answered(
    await text({ output, message, ...(initial === undefined ? {} : { initialValue: initial }), validate: (value) => (value ? undefined : 'Required') }),
  );
}

async function askSecret(output: Writable, message: string): Promise<string> {
  return answered(await password({ output, message, validate: (value) => (value ? undefined : 'Required') }));
}

async function askScope(output: Writable): Promise<SetupScope> {
  const kind = answered(
    await select({
      output,
      message: 'Which workloads may assume the role?',
      options: [
        { value: 'attributes', label: 'By deployment, component and/or region (leave a field empty for every value)' },
        { value: 'workload', label: 'Exactly one workload' },
        { value: 'tenant', label: 'Every workload of the tenant' },
      ],
    }),
  );
  if (kind === 'tenant') return { kind: 'attributes', attributes: {} };
  if (kind === 'workload') return parseSetupScope(`workload:${await askText(output, 'Workload id')}`);
  const pins: string[] = [];
  for (const name of ['deployment', 'component', 'region'] as const) {
    const value = answered(await text({ output, message: `${name[0]!.toUpperCase()}${name.slice(1)} (empty: every ${name})` }));
    if (value) pins.push(`${name}:${value}`);
  }
  return parseSetupScope(pins.length === 0 ? 'tenant' : pins.join(','));
}

async function askPermissions(output: Writable): Promise<string[]> {
  return answered(
    await multiselect({
      output,
      message: 'Permissions for the role (space to pick, enter to confirm; none is fine)',
      options: PERMISSION_TEMPLATES.map((template) => ({ value: template as string, label: template })),
      required: false,
    }),
  );
}
