import { CreateRoleCommand, GetOpenIDConnectProviderCommand, GetRoleCommand, GetRolePolicyCommand, ListRolesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/emulator/index.js';
import { startSetupWorld, type SetupWorld } from './setup_world.js';

interface SetupJson {
  changes: Array<{ action: string; target: string; status: string }>;
  connection: { name: string; roleArn: string; region: string; tokenConfig: string; verified?: boolean } | null;
  test: { ok: boolean; probes: Array<{ probe: string; status: string }> } | null;
}

const ACCOUNT = DEFAULT_ACCOUNT.accountId;
const ETL_ARGS = ['--tenant', 'acme', '--token-config', 'aws', '--role-name', 'acme-etl', '--deployment', 'prod', '--component', 'etl'];
const EXPORT_PERMISSIONS = ['--permissions', 's3-export', '--param', 'bucket=acme-exports'];

async function iamWrites(world: SetupWorld): Promise<string[]> {
  const events = (await (await fetch(`${world.emulator.url}/_emulator/events`)).json()) as Array<{ eventSource: string; eventName: string; errorCode?: string }>;
  return events
    .filter((event) => event.eventSource === 'iam.amazonaws.com' && !/^(Get|List|Simulate)/.test(event.eventName) && event.errorCode === undefined)
    .map((event) => event.eventName);
}

async function trustPolicyOf(world: SetupWorld, roleName: string): Promise<{ Statement: Array<Record<string, unknown>> }> {
  const role = await world.iam.send(new GetRoleCommand({ RoleName: roleName }));
  return JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)) as { Statement: Array<Record<string, unknown>> };
}

describe('rolebridge setup aws, end to end against the emulator and a real server', () => {
  let world: SetupWorld;
  beforeAll(async () => {
    world = await startSetupWorld();
  });
  afterAll(async () => world.close());

  it('--dry-run on a fresh account prints the plan with API calls and AWS CLI commands and changes nothing', async () => {
    const run = await world.runSetup([...ETL_ARGS, ...EXPORT_PERMISSIONS, '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Running as arn:aws:iam::${ACCOUNT}:root`);
    expect(run.stdout).toContain(`1. [planned] Create the OIDC identity provider for ${world.issuer} (client id sts.amazonaws.com)`);
    expect(run.stdout).toContain(`CLI: aws iam create-open-id-connect-provider --url ${world.issuer} --client-id-list sts.amazonaws.com`);
    expect(run.stdout).toContain('2. [planned] Create the IAM role acme-etl');
    expect(run.stdout).toContain("CLI: aws iam create-role --role-name acme-etl --description 'Assumed through rolebridge (OIDC web identity).' --assume-role-policy-document '{");
    expect(run.stdout).toContain('3. [planned] Attach the inline policy RolebridgePermissions on acme-etl');
    expect(run.stdout).toContain('+       "Resource": "arn:aws:s3:::acme-exports/*"');
    expect(run.stdout).toContain('Dry run: nothing was changed.');
    expect(await iamWrites(world)).toEqual([]);

    const json = await world.runSetup([...ETL_ARGS, ...EXPORT_PERMISSIONS, '--dry-run', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as SetupJson;
    expect(parsed.changes.map(({ action, target, status }) => ({ action, target, status }))).toEqual([
      { action: 'CreateOpenIDConnectProvider', target: `arn:aws:iam::${ACCOUNT}:oidc-provider/${world.issuer.replace(/^http:\/\//, '')}`, status: 'planned' },
      { action: 'CreateRole', target: `arn:aws:iam::${ACCOUNT}:role/acme-etl`, status: 'planned' },
      { action: 'PutRolePolicy', target: `arn:aws:iam::${ACCOUNT}:role/acme-etl/policy/RolebridgePermissions`, status: 'planned' },
    ]);
    expect(parsed.connection).toBeNull();
  });

  it('sets a fresh account up with --yes: provider, role, permissions, a verified connection', async () => {
    const run = await world.runSetup([...ETL_ARGS, ...EXPORT_PERMISSIONS, '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SetupJson;
    expect(result.changes.map((change) => [change.action, change.status])).toEqual([
      ['CreateOpenIDConnectProvider', 'applied'],
      ['CreateRole', 'applied'],
      ['PutRolePolicy', 'applied'],
    ]);
    expect(result.connection).toMatchObject({ name: 'acme-etl', roleArn: `arn:aws:iam::${ACCOUNT}:role/acme-etl`, tokenConfig: 'aws', region: 'eu-west-1', verified: true });
    expect(result.test?.ok, JSON.stringify(result.test)).toBe(true);
    expect(result.test?.probes.length).toBeGreaterThan(0);
    expect(result.test?.probes.every((probe) => probe.status !== 'accepted')).toBe(true);

    const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${world.issuer.replace(/^http:\/\//, '')}`;
    const provider = await world.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
    expect(provider.ClientIDList).toEqual(['sts.amazonaws.com']);
    const prefix = world.issuer.replace(/^http:\/\//, '');
    expect((await trustPolicyOf(world, 'acme-etl')).Statement).toEqual([
      {
        Sid: 'RolebridgeAcmeAwsDeploymentProdComponentEtl',
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: 'tenant:acme:deployment:prod:component:etl' } },
      },
    ]);
    const permissions = await world.iam.send(new GetRolePolicyCommand({ RoleName: 'acme-etl', PolicyName: 'RolebridgePermissions' }));
    expect(decodeURIComponent(permissions.PolicyDocument!)).toContain('arn:aws:s3:::acme-exports/*');
    // Verify-before-save really exchanged a token for the role.
    const events = (await (await fetch(`${world.emulator.url}/_emulator/events`)).json()) as Array<{ eventName: string; errorCode?: string }>;
    expect(events.some((event) => event.eventName === 'AssumeRoleWithWebIdentity' && event.errorCode === undefined)).toBe(true);
  });

  it('a second run finds nothing to do and makes no change', async () => {
    const writesBefore = await iamWrites(world);
    const run = await world.runSetup([...ETL_ARGS, ...EXPORT_PERMISSIONS, '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SetupJson;
    expect(result.changes.map((change) => change.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(result.connection).toMatchObject({ name: 'acme-etl' });
    expect(run.stderr).toContain('Nothing to change in AWS: the account is already set up.');
    expect(await iamWrites(world)).toEqual(writesBefore);

    const dry = await world.runSetup([...ETL_ARGS, ...EXPORT_PERMISSIONS, '--dry-run']);
    expect(dry.stdout).toContain('Nothing to do: the account is already set up.');
  });

  it('merges into an existing role with a broad trust policy: shows the diff and the warning, keeps every foreign statement', async () => {
    const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${world.issuer.replace(/^http:\/\//, '')}`;
    const prefix = world.issuer.replace(/^http:\/\//, '');
    const broad = {
      Sid: 'LegacyAnyWorkload',
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' } },
    };
    const ops = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' };
    await world.iam.send(new CreateRoleCommand({ RoleName: 'legacy', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [broad, ops] }) }));
    const args = ['--tenant', 'acme', '--token-config', 'aws', '--role-name', 'legacy', '--workload', world.workloadId];

    const dry = await world.runSetup([...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("2. [planned] Add rolebridge's statement RolebridgeAcmeAwsWorkload");
    expect(dry.stdout).toContain('! Statement "LegacyAnyWorkload" trusts');
    expect(dry.stdout).toContain('for any subject (no ":sub" condition)');
    expect(dry.stdout).toMatch(/Diff:\n(.*\n)*\s+\+\s+"Sid": "RolebridgeAcmeAwsWorkload/);
    expect(dry.stdout).toContain('CLI: aws iam update-assume-role-policy --role-name legacy --policy-document');
    expect((await trustPolicyOf(world, 'legacy')).Statement).toEqual([broad, ops]);

    const applied = await world.runSetup([...args, '--yes', '--connection', 'legacy-conn', '--json']);
    const statements = (await trustPolicyOf(world, 'legacy')).Statement;
    expect(statements.slice(0, 2)).toEqual([broad, ops]);
    expect(statements).toHaveLength(3);
    // Set-up added only its own statement; the doctor's negative probes then catch the foreign broad one: exit 1.
    expect(applied.code, applied.stderr).toBe(1);
    const result = JSON.parse(applied.stdout) as SetupJson;
    expect(result.changes.find((change) => change.action === 'UpdateAssumeRolePolicy')?.status).toBe('applied');
    expect(result.test?.ok).toBe(false);
    expect(result.test?.probes).toContainEqual(expect.objectContaining({ probe: 'sibling_component', status: 'accepted' }));
    expect(applied.stderr).toContain('Negative probes (tokens the role must refuse)');
    expect(statements[2]).toMatchObject({ Sid: expect.stringMatching(/^RolebridgeAcmeAwsWorkload/) });
  });

  it('refuses to run unattended: missing flags and unapproved changes are usage errors (exit 2)', async () => {
    const missing = await world.runSetup(['--tenant', 'acme']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --token-config, --role-name, --workload | --deployment [--component] | --tenant-wide');

    const unapproved = await world.runSetup(['--tenant', 'acme', '--token-config', 'aws', '--role-name', 'unapproved', '--tenant-wide']);
    expect(unapproved.code).toBe(2);
    expect(unapproved.stderr).toContain('pass --yes');
    const roles = await world.iam.send(new ListRolesCommand({}));
    expect(roles.Roles!.map((role) => role.RoleName)).not.toContain('unapproved');

    const badName = await world.runSetup(['--tenant', 'acme', '--token-config', 'aws', '--role-name', "o'brien", '--tenant-wide', '--dry-run']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain("--role-name must be 1–64 of letters, digits and + = , . @ _ - (IAM's rule); got o'brien");

    const parameter = await world.runSetup([...ETL_ARGS, '--permissions', 'athena', '--dry-run']);
    expect(parameter.code).toBe(2);
    expect(parameter.stderr).toContain('--param resultsBucket=');
  });

  it('--output terraform writes the equivalent instead of applying', async () => {
    const run = await world.runSetup(['--tenant', 'acme', '--token-config', 'aws', '--role-name', 'as-code', '--tenant-wide', '--output', 'terraform']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('resource "aws_iam_openid_connect_provider" "rolebridge"');
    expect(run.stdout).toContain('resource "aws_iam_role" "as-code"');
    // stdout is only the code (redirectable into a .tf file); the plan went to stderr.
    expect(run.stdout.startsWith('resource "aws_iam_openid_connect_provider"')).toBe(true);
    expect(run.stderr).toContain('Plan for role as-code');
    const roles = await world.iam.send(new ListRolesCommand({}));
    expect(roles.Roles!.map((role) => role.RoleName)).not.toContain('as-code');
  });
});

describe('rolebridge setup aws with a caller that lacks IAM permissions', () => {
  let world: SetupWorld;
  beforeAll(async () => {
    world = await startSetupWorld();
  });
  afterAll(async () => world.close());

  it('names every missing iam: action and changes nothing (exit 2)', async () => {
    const nobody = await world.createUser('nobody');
    const run = await world.runSetup([...ETL_ARGS, ...EXPORT_PERMISSIONS, '--yes'], world.env(nobody));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`arn:aws:iam::${ACCOUNT}:user/nobody may not make the changes set-up needs.`);
    expect(run.stderr).toContain('Missing IAM permissions: iam:GetOpenIDConnectProvider, iam:GetRole.');
    expect(run.stderr).toContain('Could not check (also needed): iam:CreateOpenIDConnectProvider, iam:CreateRole, iam:PutRolePolicy.');
    expect(await iamWrites(world)).toEqual(['CreateUser', 'CreateAccessKey']);
  });

  it('with read access only, the up-front check (SimulatePrincipalPolicy) names the missing write actions', async () => {
    const reader = await world.createUser('reader', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'iam:SimulatePrincipalPolicy', 'iam:AddClientIDToOpenIDConnectProvider'], Resource: '*' }],
    });
    const run = await world.runSetup([...ETL_ARGS, ...EXPORT_PERMISSIONS, '--yes'], world.env(reader));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Missing IAM permissions: iam:CreateOpenIDConnectProvider, iam:CreateRole, iam:PutRolePolicy.');
    expect(run.stderr).not.toContain('Could not check');
    expect(await iamWrites(world)).toEqual(['CreateUser', 'CreateAccessKey', 'CreateUser', 'PutUserPolicy', 'CreateAccessKey']);
  });
  it('as an assumed-role session (SSO, CI), checks the role\'s own permissions and names what it lacks', async () => {
    const ops = await world.createUser('ops', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] });
    await world.iam.send(
      new CreateRoleCommand({
        RoleName: 'platform-admin',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ops` }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    await world.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'platform-admin',
        PolicyName: 'iam-but-no-roles',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
            { Effect: 'Deny', Action: 'iam:CreateRole', Resource: '*' },
          ],
        }),
      }),
    );
    const sts = new STSClient({ endpoint: world.emulator.url, region: 'us-east-1', credentials: ops, maxAttempts: 1 });
    const session = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/platform-admin`, RoleSessionName: 'alice' }))).Credentials!;
    sts.destroy();
    const run = await world.runSetup(
      [...ETL_ARGS, '--yes'],
      world.env({ accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! }),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`arn:aws:sts::${ACCOUNT}:assumed-role/platform-admin/alice may not make the changes set-up needs. Missing IAM permissions: iam:CreateRole.`);
  });
});


describe('rolebridge setup aws, interrupted', () => {
  let world: SetupWorld;
  beforeAll(async () => {
    world = await startSetupWorld();
  });
  afterAll(async () => world.close());

  it('an interrupted run keeps what it applied and a rerun finishes the rest', async () => {
    const faults = `${world.emulator.url}/_emulator/faults`;
    await fetch(faults, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'CreateRole', outage: true }) });
    const broken = await world.runSetup([...ETL_ARGS, '--yes', '--json']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('✓ Create the OIDC identity provider');
    expect(broken.stderr).toContain('CreateRole failed: ServiceUnavailable: Service is unavailable. Please try again later.');
    expect(broken.stderr).toContain('rerun the same command to finish it');

    await fetch(faults, { method: 'DELETE' });
    const rerun = await world.runSetup([...ETL_ARGS, '--yes', '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const result = JSON.parse(rerun.stdout) as SetupJson;
    expect(result.changes.map((change) => [change.action, change.status])).toEqual([
      ['AddClientIDToOpenIDConnectProvider', 'unchanged'],
      ['CreateRole', 'applied'],
    ]);
    expect(result.test?.ok).toBe(true);
  });
});
