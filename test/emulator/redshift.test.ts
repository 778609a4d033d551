import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateClusterCommand, GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import {
  CreateNamespaceCommand,
  CreateWorkgroupCommand,
  GetCredentialsCommand,
  GetWorkgroupCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ADMIN, type TestCredentials, iamClient, runAwsCli, stsClient } from './emulator_clients.js';

// Redshift (Query, 2012-12-01) and Redshift Serverless (JSON 1.1) through the real SDK v3 clients.
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

function redshift(endpoint: string, credentials: TestCredentials = ADMIN): RedshiftClient {
  return new RedshiftClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
}
function serverless(endpoint: string, credentials: TestCredentials = ADMIN): RedshiftServerlessClient {
  return new RedshiftServerlessClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
}

const trustAccount = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
});

/** An IAM user allowed to assume roles (AWS refuses AssumeRole from root keys). */
async function assumer(endpoint: string): Promise<TestCredentials> {
  const iam = iamClient(endpoint);
  await iam.send(new CreateUserCommand({ UserName: 'assumer' }));
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };
  await iam.send(new PutUserPolicyCommand({ UserName: 'assumer', PolicyName: 'assume', PolicyDocument: JSON.stringify(policy) }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'assumer' }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

const assumers = new Map<string, Promise<TestCredentials>>();

async function roleSession(endpoint: string, roleName: string, policy?: object): Promise<TestCredentials> {
  const iam = iamClient(endpoint);
  if (!assumers.has(endpoint)) assumers.set(endpoint, assumer(endpoint));
  const user = await (assumers.get(endpoint) as Promise<TestCredentials>);
  await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trustAccount }));
  if (policy) await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'db', PolicyDocument: JSON.stringify(policy) }));
  const { Credentials } = await stsClient(endpoint, user).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, RoleSessionName: 'etl' }),
  );
  return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
}

/** What the SDK surfaced: the wire code (`name`), the message and the HTTP status. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('emulated Redshift: GetClusterCredentials', () => {
  let emulator: RunningEmulator;
  let analyst: TestCredentials;
  let nobody: TestCredentials;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    await redshift(emulator.url).send(
      new CreateClusterCommand({ ClusterIdentifier: 'analytics', NodeType: 'ra3.xlplus', MasterUsername: 'admin', MasterUserPassword: 'Secret123!' }),
    );
    analyst = await roleSession(emulator.url, 'analyst', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'redshift:GetClusterCredentials',
          Resource: [`arn:aws:redshift:${REGION}:${ACCOUNT}:dbuser:analytics/alice`, `arn:aws:redshift:${REGION}:${ACCOUNT}:dbname:analytics/dev`],
        },
        { Effect: 'Allow', Action: 'redshift:GetClusterCredentials', Resource: `arn:aws:redshift:${REGION}:${ACCOUNT}:dbuser:missing/alice` },
      ],
    });
    nobody = await roleSession(emulator.url, 'nobody');
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('hands a role session temporary credentials for an allowed db user', async () => {
    const before = Date.now();
    const answer = await redshift(emulator.url, analyst).send(
      new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'alice', DbName: 'dev', DurationSeconds: 1800 }),
    );
    expect(answer.DbUser).toBe('IAM:alice');
    expect(answer.DbPassword).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    const expires = answer.Expiration!.getTime();
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 1_800_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 1_800_000);
  });

  it('refuses a role without the permission with AWS AccessDenied text naming the dbuser ARN', async () => {
    const denied = await failure(redshift(emulator.url, nobody).send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'alice' })));
    expect(denied).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/nobody/etl is not authorized to perform: redshift:GetClusterCredentials on resource: arn:aws:redshift:${REGION}:${ACCOUNT}:dbuser:analytics/alice`,
    });
  });

  it('checks the other db user, the database, AutoCreate and groups as separate resources', async () => {
    const client = redshift(emulator.url, analyst);
    const otherUser = await failure(client.send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'bob' })));
    expect(otherUser.message).toContain('on resource: arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/bob');
    const otherDb = await failure(client.send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'alice', DbName: 'sales' })));
    expect(otherDb.message).toContain('redshift:GetClusterCredentials on resource: arn:aws:redshift:us-east-1:123456789012:dbname:analytics/sales');
    const autoCreate = await failure(client.send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'alice', AutoCreate: true })));
    expect(autoCreate.message).toContain('redshift:CreateClusterUser on resource: arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/alice');
    const group = await failure(client.send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'alice', DbGroups: ['admins'] })));
    expect(group.message).toContain('redshift:JoinGroup on resource: arn:aws:redshift:us-east-1:123456789012:dbgroup:analytics/admins');
  });

  it('prefixes IAMA: when AutoCreate is allowed and true', async () => {
    const creator = await roleSession(emulator.url, 'creator', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['redshift:GetClusterCredentials', 'redshift:CreateClusterUser'], Resource: '*' }],
    });
    const answer = await redshift(emulator.url, creator).send(
      new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'carol', AutoCreate: true }),
    );
    expect(answer.DbUser).toBe('IAMA:carol');
  });

  it('answers ClusterNotFound (404) for an unknown cluster the role may ask about', async () => {
    const missing = await failure(redshift(emulator.url, analyst).send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'missing', DbUser: 'alice' })));
    expect(missing.message).toBe('Cluster missing not found.');
    expect(missing.status).toBe(404);
    expect(missing.name).toMatch(/^ClusterNotFound/);
  });

  it('rejects a duration outside 900–3600 in AWS validation grammar', async () => {
    const invalid = await failure(
      redshift(emulator.url, analyst).send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'alice', DurationSeconds: 60 })),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.message).toBe(
      "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
  });

  it('answers the AWS CLI (botocore\'s Query parser) too, including the AccessDenied text', async () => {
    const ok = await runAwsCli(emulator.url, ['redshift', 'get-cluster-credentials', '--cluster-identifier', 'analytics', '--db-user', 'alice'], analyst);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ DbUser: 'IAM:alice' });
    const denied = await runAwsCli(emulator.url, ['redshift', 'get-cluster-credentials', '--cluster-identifier', 'analytics', '--db-user', 'alice'], nobody);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      `An error occurred (AccessDenied) when calling the GetClusterCredentials operation: User: arn:aws:sts::${ACCOUNT}:assumed-role/nobody/etl is not authorized to perform: redshift:GetClusterCredentials on resource: arn:aws:redshift:${REGION}:${ACCOUNT}:dbuser:analytics/alice`,
    );
  });

  it('never records the password in the event log', async () => {
    const events = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<Record<string, unknown>>;
    const calls = events.filter((event) => event.eventName === 'GetClusterCredentials');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0]?.eventSource).toBe('redshift.amazonaws.com');
    expect(JSON.stringify(calls)).not.toMatch(/DbPassword|dbPassword/);
  });
});

describe('emulated Redshift Serverless: GetWorkgroup and GetCredentials', () => {
  let emulator: RunningEmulator;
  let workgroupArn: string;
  let analyst: TestCredentials;
  let nobody: TestCredentials;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    const admin = serverless(emulator.url);
    await admin.send(new CreateNamespaceCommand({ namespaceName: 'lake', dbName: 'dev' }));
    const created = await admin.send(new CreateWorkgroupCommand({ workgroupName: 'reporting', namespaceName: 'lake' }));
    workgroupArn = created.workgroup!.workgroupArn!;
    analyst = await roleSession(emulator.url, 'analyst', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['redshift-serverless:GetCredentials', 'redshift-serverless:GetWorkgroup'], Resource: workgroupArn }],
    });
    nobody = await roleSession(emulator.url, 'nobody');
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('names workgroups by generated id in their ARN', () => {
    expect(workgroupArn).toMatch(/^arn:aws:redshift-serverless:us-east-1:123456789012:workgroup\/[0-9a-f-]{36}$/);
  });

  it('gives the endpoint and IAMR:<role> credentials to an allowed role session', async () => {
    const client = serverless(emulator.url, analyst);
    const { workgroup } = await client.send(new GetWorkgroupCommand({ workgroupName: 'reporting' }));
    expect(workgroup?.endpoint?.address).toBe('reporting.123456789012.us-east-1.redshift-serverless.amazonaws.com');
    expect(workgroup?.endpoint?.port).toBe(5439);
    expect(workgroup?.creationDate).toBeInstanceOf(Date);
    const before = Date.now();
    const answer = await client.send(new GetCredentialsCommand({ workgroupName: 'reporting', dbName: 'dev', durationSeconds: 3600 }));
    expect(answer.dbUser).toBe('IAMR:analyst');
    expect(answer.dbPassword).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(answer.expiration!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000 - 1000);
    expect(answer.nextRefreshTime!.getTime()).toBeLessThan(answer.expiration!.getTime());
  });

  it('refuses a role without the permission: AccessDeniedException naming the workgroup ARN', async () => {
    const denied = await failure(serverless(emulator.url, nobody).send(new GetCredentialsCommand({ workgroupName: 'reporting' })));
    expect(denied).toEqual({
      name: 'AccessDeniedException',
      status: 403,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/nobody/etl is not authorized to perform: redshift-serverless:GetCredentials on resource: ${workgroupArn}`,
    });
  });

  it('answers ResourceNotFoundException with the observed text for an unknown workgroup', async () => {
    const missing = await failure(serverless(emulator.url, analyst).send(new GetCredentialsCommand({ workgroupName: 'nowhere' })));
    expect(missing).toEqual({ name: 'ResourceNotFoundException', status: 400, message: 'Serverless workgroup nowhere not found.' });
  });

  it('answers the AWS CLI (botocore\'s JSON parser) too', async () => {
    const ok = await runAwsCli(emulator.url, ['redshift-serverless', 'get-credentials', '--workgroup-name', 'reporting'], analyst);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ dbUser: 'IAMR:analyst' });
    const missing = await runAwsCli(emulator.url, ['redshift-serverless', 'get-credentials', '--workgroup-name', 'nowhere'], analyst);
    expect(missing.stderr).toContain(
      'An error occurred (ResourceNotFoundException) when calling the GetCredentials operation: Serverless workgroup nowhere not found.',
    );
  });

  it('validates members with ValidationException', async () => {
    const invalid = await failure(serverless(emulator.url, analyst).send(new GetCredentialsCommand({ workgroupName: 'reporting', durationSeconds: 7200 })));
    expect(invalid.name).toBe('ValidationException');
    expect(invalid.message).toBe(
      "1 validation error detected: Value '7200' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600",
    );
  });
});
