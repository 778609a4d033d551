import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type AssumeRoleCommandInput, GetCallerIdentityCommand, type Credentials } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type TestCredentials, expectAwsError, iamClient, stsClient } from './emulator_clients.js';
import { ACCOUNT, type Federation, ROLE_NAME, startFederation } from './federation_fixture.js';

const OTHER_ACCOUNT = '210987654321';
const OTHER_ADMIN: TestCredentials = { accessKeyId: 'AKIAOTHERACCOUNT0001', secretAccessKey: 'other-account-secret-key-0000000000000000' };
const TARGET_ARN = `arn:aws:iam::${ACCOUNT}:role/customer-data`;
const CROSS_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:role/partner-data`;
const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/workload-1`;

function trustingRole(principal: string, externalId?: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(externalId === undefined ? {} : { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
      },
    ],
  });
}

function allow(action: string | string[], resource: string | string[], effect: 'Allow' | 'Deny' = 'Allow'): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: resource }] });
}

function asTestCredentials(credentials: Credentials): TestCredentials {
  return { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! };
}

let federation: Federation;
let webSession: TestCredentials;
const assumeAs = (credentials: TestCredentials, input: Partial<AssumeRoleCommandInput> = {}) =>
  stsClient(federation.emulator.url, credentials).send(
    new AssumeRoleCommand({ RoleArn: TARGET_ARN, RoleSessionName: 'chained', ExternalId: 'acme-ext-0001', ...input }),
  );

beforeAll(async () => {
  federation = await startFederation({
    accounts: [
      { accountId: ACCOUNT, accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey },
      { accountId: OTHER_ACCOUNT, ...OTHER_ADMIN },
    ],
  });
  const iam = iamClient(federation.emulator.url);
  await iam.send(new CreateRoleCommand({ RoleName: 'customer-data', AssumeRolePolicyDocument: trustingRole(`arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`, 'acme-ext-0001') }));
  await iam.send(new PutRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'chain', PolicyDocument: allow('sts:AssumeRole', [TARGET_ARN, CROSS_ARN]) }));
  await iamClient(federation.emulator.url, OTHER_ADMIN).send(
    new CreateRoleCommand({ RoleName: 'partner-data', AssumeRolePolicyDocument: trustingRole(`arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`) }),
  );
  webSession = asTestCredentials((await federation.exchange(await federation.issuer.sign())).Credentials!);
});
afterAll(async () => {
  await federation.close();
});

describe('AssumeRole (role chaining)', () => {
  it('chains from a web-identity session with the right ExternalId', async () => {
    const out = await assumeAs(webSession);
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/customer-data/chained`);
    expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    const me = await stsClient(federation.emulator.url, asTestCredentials(out.Credentials!)).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: ACCOUNT, Arn: out.AssumedRoleUser!.Arn, UserId: out.AssumedRoleUser!.AssumedRoleId });
  });

  it('caps chained sessions at one hour with AWS\'s message (AWS-REFERENCE §4.2)', async () => {
    await expectAwsError(assumeAs(webSession, { DurationSeconds: 7200 }), {
      code: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
  });

  it('refuses a wrong or missing ExternalId with the AssumeRole AccessDenied text (AWS-REFERENCE §4.3)', async () => {
    const denied = {
      code: 'AccessDenied',
      status: 403,
      message: `User: ${SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${TARGET_ARN}`,
    };
    await expectAwsError(assumeAs(webSession, { ExternalId: 'acme-ext-9999' }), denied);
    await expectAwsError(assumeAs(webSession, { ExternalId: undefined }), denied);
  });

  it('validates ExternalId: 2..1224 characters of [\\w+=,.@:/-]', async () => {
    await expectAwsError(assumeAs(webSession, { ExternalId: 'a' }), {
      code: 'ValidationError',
      status: 400,
      message: "1 validation error detected: Value 'a' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2",
    });
    await expectAwsError(assumeAs(webSession, { ExternalId: 'has space' }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value 'has space' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*",
    });
  });

  it('needs sts:AssumeRole in the caller\'s own policies: a chained session without it is refused', async () => {
    const chained = asTestCredentials((await assumeAs(webSession)).Credentials!);
    await expectAwsError(assumeAs(chained, { RoleArn: CROSS_ARN, ExternalId: undefined }), {
      code: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/customer-data/chained is not authorized to perform: sts:AssumeRole on resource: ${CROSS_ARN}`,
    });
  });

  it('crosses accounts when both the caller\'s policy and the other account\'s trust allow', async () => {
    const out = await assumeAs(webSession, { RoleArn: CROSS_ARN, ExternalId: undefined });
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/partner-data/chained`);
  });

  it('refuses a role that does not exist with the same AccessDenied text', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/not-there`;
    await expectAwsError(assumeAs(webSession, { RoleArn: missing }), {
      code: 'AccessDenied',
      status: 403,
      message: `User: ${SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${missing}`,
    });
  });

  it('limits a session to what its session Policy also allows', async () => {
    const narrowed = await federation.exchange(await federation.issuer.sign(), { Policy: allow('s3:GetObject', '*') });
    await expectAwsError(assumeAs(asTestCredentials(narrowed.Credentials!)), {
      code: 'AccessDenied',
      status: 403,
      message: `User: ${SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${TARGET_ARN}`,
    });
  });

  it('refuses the account root (AWS-REFERENCE §4.3)', async () => {
    await expectAwsError(assumeAs(ADMIN), { code: 'AccessDenied', status: 403, message: 'Roles may not be assumed by root accounts.' });
  });
});

describe('IAM users and their inline policies', () => {
  it('a caller without IAM permissions gets AWS\'s AccessDenied; with a policy it may; an explicit deny says so', async () => {
    const iam = iamClient(federation.emulator.url);
    const user = await iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    expect(user.User!.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/deployer`);
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }))).AccessKey!;
    expect(key.AccessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    const deployer = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const asDeployer = iamClient(federation.emulator.url, deployer);

    const me = await stsClient(federation.emulator.url, deployer).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: ACCOUNT, Arn: user.User!.Arn, UserId: user.User!.UserId });
    expect(me.UserId).toMatch(/^AIDA/);

    const createRole = () =>
      asDeployer.send(new CreateRoleCommand({ RoleName: 'made-by-deployer', AssumeRolePolicyDocument: trustingRole(`arn:aws:iam::${ACCOUNT}:root`) }));
    await expectAwsError(createRole(), {
      code: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${ACCOUNT}:user/deployer is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/made-by-deployer`,
    });

    await iam.send(new PutUserPolicyCommand({ UserName: 'deployer', PolicyName: 'roles', PolicyDocument: allow('iam:*Role', '*') }));
    await expect(createRole()).resolves.toBeDefined();

    await iam.send(new PutUserPolicyCommand({ UserName: 'deployer', PolicyName: 'no-delete', PolicyDocument: allow('iam:DeleteRole', '*', 'Deny') }));
    await expectAwsError(asDeployer.send(new DeleteRoleCommand({ RoleName: 'made-by-deployer' })), {
      code: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${ACCOUNT}:user/deployer is not authorized to perform: iam:DeleteRole on resource: arn:aws:iam::${ACCOUNT}:role/made-by-deployer with an explicit deny`,
    });
  });

  it('users: get, list and delete keys, delete conflicts', async () => {
    const iam = iamClient(federation.emulator.url);
    await iam.send(new CreateUserCommand({ UserName: 'temp' }));
    await expectAwsError(iam.send(new CreateUserCommand({ UserName: 'TEMP' })), { code: 'EntityAlreadyExists', status: 409, message: 'User with name TEMP already exists.' });
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'temp' }))).AccessKey!;
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'temp' }));
    expect(listed.AccessKeyMetadata!.map((k) => k.AccessKeyId)).toEqual([key.AccessKeyId]);
    await iam.send(new PutUserPolicyCommand({ UserName: 'temp', PolicyName: 'p', PolicyDocument: allow('s3:GetObject', '*') }));
    await expectAwsError(iam.send(new DeleteUserCommand({ UserName: 'temp' })), {
      code: 'DeleteConflict',
      status: 409,
      message: 'Cannot delete entity, must delete access keys first.',
    });
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'temp', AccessKeyId: key.AccessKeyId }));
    // The deleted key no longer authenticates.
    await expectAwsError(stsClient(federation.emulator.url, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({})), {
      code: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'temp', PolicyName: 'p' }));
    await iam.send(new DeleteUserCommand({ UserName: 'temp' }));
    await expectAwsError(iam.send(new GetUserCommand({ UserName: 'temp' })), { code: 'NoSuchEntity', status: 404, message: 'The user with name temp cannot be found.' });
  });
});
