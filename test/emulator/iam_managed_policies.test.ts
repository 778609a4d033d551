import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteRolePermissionsBoundaryCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPolicyCommand,
  CreateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { type TestCredentials, expectAwsError, iamClient, stsClient } from './emulator_clients.js';

/**
 * Managed policies through the AWS SDK v3: AWS managed documents and customer managed policies
 * attached to a role are enforced on the role's sessions like inline policies, a permissions
 * boundary caps them, and detaching takes the permission away again.
 */
const ACCOUNT = '123456789012';
const AWS_IAM_READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const AWS_ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

let emulator: RunningEmulator;
let iam: IAMClient;
let caller: TestCredentials;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  iam = iamClient(emulator.url);
  // Roles may not be assumed by the root: an IAM user allowed to assume anything does it.
  await iam.send(new CreateUserCommand({ UserName: 'deployer' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'deployer',
      PolicyName: 'assume',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }),
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }));
  caller = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
});
afterAll(async () => {
  await emulator.close();
});

async function roleSession(roleName: string): Promise<IAMClient> {
  const assumed = await stsClient(emulator.url, caller).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, RoleSessionName: 'check' }),
  );
  const credentials = assumed.Credentials!;
  return iamClient(emulator.url, {
    accessKeyId: credentials.AccessKeyId!,
    secretAccessKey: credentials.SecretAccessKey!,
    sessionToken: credentials.SessionToken!,
  });
}

async function createRole(name: string): Promise<void> {
  await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/deployer` }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
}

function denied(action: string, resource: string): { code: string; status: number; message: string } {
  return {
    code: 'AccessDenied',
    status: 403,
    message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/reader/check is not authorized to perform: ${action} on resource: ${resource}`,
  };
}

describe('AWS managed policies', () => {
  it('serves the real document of AmazonS3ReadOnlyAccess', async () => {
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    expect(policy.Policy).toMatchObject({ PolicyName: 'AmazonS3ReadOnlyAccess', Path: '/', IsAttachable: true, AttachmentCount: 0 });
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: policy.Policy!.Arn!, VersionId: policy.Policy!.DefaultVersionId! }),
    );
    const document = JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)) as { Statement: Array<{ Action: string[] }> };
    expect(document.Statement[0]!.Action).toEqual(expect.arrayContaining(['s3:Get*', 's3:List*']));
  });

  it('an attached AWS managed policy is enforced on the role session, and detaching takes it away', async () => {
    await createRole('reader');
    const before = await roleSession('reader');
    await expectAwsError(before.send(new GetRoleCommand({ RoleName: 'reader' })), denied('iam:GetRole', `arn:aws:iam::${ACCOUNT}:role/reader`));

    await iam.send(new AttachRolePolicyCommand({ RoleName: 'reader', PolicyArn: AWS_IAM_READ_ONLY }));
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'reader' }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'IAMReadOnlyAccess', PolicyArn: AWS_IAM_READ_ONLY }]);
    const session = await roleSession('reader');
    expect((await session.send(new GetRoleCommand({ RoleName: 'reader' }))).Role!.RoleName).toBe('reader');
    await expectAwsError(
      session.send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: '{}' })),
      denied('iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/other`),
    );
    const counted = await iam.send(new ListPoliciesCommand({ OnlyAttached: true, Scope: 'AWS' }));
    expect(counted.Policies!.map((p) => [p.PolicyName, p.AttachmentCount])).toEqual([['IAMReadOnlyAccess', 1]]);

    await iam.send(new DetachRolePolicyCommand({ RoleName: 'reader', PolicyArn: AWS_IAM_READ_ONLY }));
    await expectAwsError(session.send(new GetRoleCommand({ RoleName: 'reader' })), denied('iam:GetRole', `arn:aws:iam::${ACCOUNT}:role/reader`));
  });

  it('a permissions boundary caps AdministratorAccess', async () => {
    await createRole('bounded');
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'bounded', PolicyArn: AWS_ADMIN }));
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'bounded', PermissionsBoundary: AWS_IAM_READ_ONLY }));
    expect((await iam.send(new GetRoleCommand({ RoleName: 'bounded' }))).Role!.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'Policy',
      PermissionsBoundaryArn: AWS_IAM_READ_ONLY,
    });
    const session = await roleSession('bounded');
    await session.send(new GetRoleCommand({ RoleName: 'bounded' }));
    await expectAwsError(session.send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: '{}' })), {
      code: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/bounded/check is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/x`,
    });
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'bounded' }));
    await expectAwsError(session.send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: 'not json' })), {
      code: 'MalformedPolicyDocument',
      status: 400,
      message: 'This policy contains invalid Json',
    });
  });
});

describe('customer managed policies', () => {
  it('create, attach, a new default version changes what the session may do, delete after detach', async () => {
    await createRole('custom');
    const allowGetRole = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] });
    const allowListRoles = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }] });
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'get-role', PolicyDocument: allowGetRole, Description: 'read one role' }));
    const arn = created.Policy!.Arn!;
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:policy/get-role`);
    expect(created.Policy).toMatchObject({ DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true });
    expect(created.Policy!.PolicyId).toMatch(/^ANPA[A-Z0-9]{17}$/);

    await iam.send(new AttachRolePolicyCommand({ RoleName: 'custom', PolicyArn: arn }));
    const session = await roleSession('custom');
    await session.send(new GetRoleCommand({ RoleName: 'custom' }));

    const v2 = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowListRoles, SetAsDefault: true }));
    expect(v2.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    await expectAwsError(session.send(new GetRoleCommand({ RoleName: 'custom' })), {
      code: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/custom/check is not authorized to perform: iam:GetRole on resource: arn:aws:iam::${ACCOUNT}:role/custom`,
    });
    const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(local.Policies!.map((p) => [p.PolicyName, p.DefaultVersionId, p.AttachmentCount])).toEqual([['get-role', 'v2', 1]]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy).toMatchObject({ Description: 'read one role', Tags: [] });

    await expectAwsError(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), {
      code: 'DeleteConflict',
      status: 409,
      message: 'Cannot delete a policy attached to entities.',
    });
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'custom', PolicyArn: arn }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    await expectAwsError(iam.send(new GetPolicyCommand({ PolicyArn: arn })), {
      code: 'NoSuchEntity',
      status: 404,
      message: `Policy ${arn} does not exist or is not attachable.`,
    });
  });
});
