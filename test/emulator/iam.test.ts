import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListOpenIDConnectProvidersCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { expectAwsError, iamClient } from './emulator_clients.js';

const ACCOUNT = '123456789012';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/id.example.com/t/acme` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'id.example.com/t/acme:aud': 'sts.amazonaws.com' } },
    },
  ],
});
const PERMISSIONS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }],
});

let emulator: RunningEmulator;
let iam: ReturnType<typeof iamClient>;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  iam = iamClient(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

describe('OpenID Connect providers', () => {
  const url = 'https://id.example.com/t/acme';
  const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/id.example.com/t/acme`;

  it('create, get (URL without scheme), list, client ids, thumbprints, delete', async () => {
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['sts.amazonaws.com'], Tags: [{ Key: 'owner', Value: 'platform' }] }),
    );
    expect(created.OpenIDConnectProviderArn).toBe(arn);

    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(got.Url).toBe('id.example.com/t/acme');
    expect(got.ClientIDList).toEqual(['sts.amazonaws.com']);
    expect(got.ThumbprintList).toEqual([]);
    expect(got.Tags).toEqual([{ Key: 'owner', Value: 'platform' }]);
    expect(got.CreateDate).toBeInstanceOf(Date);

    const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    expect(listed.OpenIDConnectProviderList).toEqual([{ Arn: arn }]);

    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'second' }));
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'second' }));
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'sts.amazonaws.com' }));
    const thumbprint = 'a'.repeat(40);
    await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: [thumbprint] }));
    const updated = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(updated.ClientIDList).toEqual(['second']);
    expect(updated.ThumbprintList).toEqual([thumbprint]);

    // AWS-REFERENCE §5.2: "Provider with url https://token.actions.githubusercontent.com already exists." (409)
    await expectAwsError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['x'] })), {
      code: 'EntityAlreadyExists',
      status: 409,
      message: `Provider with url ${url} already exists.`,
    });

    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    await expectAwsError(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), {
      code: 'NoSuchEntity',
      status: 404,
      message: `OpenIDConnect Provider not found for arn ${arn}`,
    });
  });

  it.each([
    ['http://id.example.com/t/acme', 'must begin with https:// (http:// only on a loopback host)'],
    ['https://id.example.com:8443/t/acme', 'must not contain a port'],
    ['https://id.example.com/t/acme?tenant=1', 'must not contain a query'],
    ['https://id.example.com/t/acme#frag', 'must not contain a fragment'],
  ])('refuses %s (%s)', async (bad, reason) => {
    await expectAwsError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: bad, ClientIDList: ['a'] })), {
      code: 'InvalidInput',
      status: 400,
      message: `Invalid Url: ${bad} ${reason}.`,
    });
  });

  it('accepts http:// with a port on loopback hosts only, keeping the port in the ARN', async () => {
    const created = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://127.0.0.1:8080/t/acme', ClientIDList: ['a'] }));
    expect(created.OpenIDConnectProviderArn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/127.0.0.1:8080/t/acme`);
    const localhost = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://localhost:9000', ClientIDList: ['a'] }));
    expect(localhost.OpenIDConnectProviderArn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/localhost:9000`);
  });

  it('keeps URLs case-sensitive: two providers differing in case', async () => {
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://case.example.com/Tenant', ClientIDList: ['a'] }));
    const other = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://case.example.com/tenant', ClientIDList: ['a'] }));
    expect(other.OpenIDConnectProviderArn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/case.example.com/tenant`);
  });

  it('at most 100 client ids', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `client-${i}`);
    await expectAwsError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://many.example.com', ClientIDList: ids })), {
      code: 'LimitExceeded',
      status: 409,
      message: 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100',
    });
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://many.example.com', ClientIDList: ids.slice(0, 100) }));
    await expectAwsError(
      iam.send(
        new AddClientIDToOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/many.example.com`,
          ClientID: 'one-more',
        }),
      ),
      { code: 'LimitExceeded', status: 409, message: 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100' },
    );
  });
});

describe('roles', () => {
  it('create, get (policy URL-encoded as IAM sends it), list, update, delete', async () => {
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'acme-reporting',
        Path: '/rolebridge/',
        AssumeRolePolicyDocument: TRUST,
        Description: 'reporting',
        Tags: [{ Key: 'tenant', Value: 'acme' }],
      }),
    );
    const role = created.Role!;
    expect(role.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/rolebridge/acme-reporting`);
    expect(role.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    // CreateRole leaves MaxSessionDuration and Description out, as AWS does (recorded parity cases).
    expect(role.MaxSessionDuration).toBeUndefined();
    expect(role.Description).toBeUndefined();
    expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toBe(TRUST);
    expect(role.Tags).toEqual([{ Key: 'tenant', Value: 'acme' }]);

    const got = await iam.send(new GetRoleCommand({ RoleName: 'acme-reporting' }));
    expect(got.Role).toMatchObject({ RoleName: 'acme-reporting', RoleId: role.RoleId, Path: '/rolebridge/', Description: 'reporting', MaxSessionDuration: 3600 });
    expect(got.Role!.RoleLastUsed).toEqual({});

    const listed = await iam.send(new ListRolesCommand({ PathPrefix: '/rolebridge/' }));
    expect(listed.Roles!.map((r) => r.RoleName)).toEqual(['acme-reporting']);
    expect(listed.IsTruncated).toBe(false);

    await iam.send(new UpdateRoleCommand({ RoleName: 'acme-reporting', MaxSessionDuration: 43200 }));
    const trust2 = TRUST.replace('sts.amazonaws.com', 'other-audience');
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'acme-reporting', PolicyDocument: trust2 }));
    const after = await iam.send(new GetRoleCommand({ RoleName: 'acme-reporting' }));
    expect(after.Role!.MaxSessionDuration).toBe(43200);
    expect(decodeURIComponent(after.Role!.AssumeRolePolicyDocument!)).toBe(trust2);

    await iam.send(new DeleteRoleCommand({ RoleName: 'acme-reporting' }));
    // AWS-REFERENCE §5.2: "The role with name <name> cannot be found." (404)
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'acme-reporting' })), {
      code: 'NoSuchEntity',
      status: 404,
      message: 'The role with name acme-reporting cannot be found.',
    });
  });

  it('role names are unique without regard to case', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Unique', AssumeRolePolicyDocument: TRUST }));
    await expectAwsError(iam.send(new CreateRoleCommand({ RoleName: 'unique', AssumeRolePolicyDocument: TRUST })), {
      code: 'EntityAlreadyExists',
      status: 409,
      message: 'Role with name unique already exists.',
    });
  });

  it('refuses trust policies AWS refuses, with AWS-REFERENCE §5.4 texts', async () => {
    const create = (document: string) => iam.send(new CreateRoleCommand({ RoleName: 'bad-trust', AssumeRolePolicyDocument: document }));
    await expectAwsError(create('file://trust.json'), { code: 'MalformedPolicyDocument', status: 400, message: 'This policy contains invalid Json' });
    const withResource = JSON.parse(TRUST) as { Statement: Array<Record<string, unknown>> };
    withResource.Statement[0]!.Resource = '*';
    await expectAwsError(create(JSON.stringify(withResource)), {
      code: 'MalformedPolicyDocument',
      status: 400,
      message: 'Has prohibited field Resource',
    });
    const huge = JSON.parse(TRUST) as { Statement: Array<Record<string, unknown>> };
    huge.Statement[0]!.Condition = { StringLike: { 'id.example.com/t/acme:sub': Array.from({ length: 80 }, (_, i) => `tenant:acme:workload:${i}`) } };
    await expectAwsError(create(JSON.stringify(huge)), { code: 'LimitExceeded', status: 409, message: 'Cannot exceed quota for ACLSizePerRole: 2048' });
    await expectAwsError(iam.send(new CreateRoleCommand({ RoleName: 'bad-duration', AssumeRolePolicyDocument: TRUST, MaxSessionDuration: 60 })), {
      code: 'ValidationError',
      status: 400,
      message: "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    });
    await expectAwsError(iam.send(new CreateRoleCommand({ RoleName: 'bad name', AssumeRolePolicyDocument: TRUST })), {
      code: 'ValidationError',
      status: 400,
      message: "1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    });
  });

  it('refuses what IAM checks at write time: https:// in a condition key, a bad Federated value, a missing role principal', async () => {
    const create = (document: unknown) =>
      iam.send(new CreateRoleCommand({ RoleName: 'checked', AssumeRolePolicyDocument: JSON.stringify(document) }));
    const statement = JSON.parse(TRUST).Statement[0] as Record<string, unknown>;
    // AWS-REFERENCE §3.1 / §5.4 texts.
    await expectAwsError(
      create({ Version: '2012-10-17', Statement: [{ ...statement, Condition: { StringEquals: { 'https://id.example.com/t/acme:aud': 'x' } } }] }),
      { code: 'MalformedPolicyDocument', status: 400, message: 'Condition can contain only one colon.' },
    );
    await expectAwsError(create({ Version: '2012-10-17', Statement: [{ ...statement, Principal: { Federated: 'https://id.example.com/t/acme' } }] }), {
      code: 'MalformedPolicyDocument',
      status: 400,
      message: 'Federated principals must be valid domain names or SAML metadata ARNs',
    });
    const missing = `arn:aws:iam::${ACCOUNT}:role/UC_ROLE`;
    await expectAwsError(
      create({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: missing }, Action: 'sts:AssumeRole' }] }),
      { code: 'MalformedPolicyDocument', status: 400, message: `Invalid principal in policy: "AWS":"${missing}"` },
    );
    // A loopback issuer's key keeps its port: host:port/path:claim is accepted.
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'loopback-trust',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ ...statement, Condition: { StringEquals: { '127.0.0.1:8080/t/acme:aud': 'sts.amazonaws.com', 'localhost:9000:sub': 'x' } } }],
        }),
      }),
    );
  });

  it('update and delete of a missing role are NoSuchEntity', async () => {
    await expectAwsError(iam.send(new UpdateRoleCommand({ RoleName: 'ghost', MaxSessionDuration: 7200 })), {
      code: 'NoSuchEntity',
      status: 404,
      message: 'The role with name ghost cannot be found.',
    });
    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'ghost' })), {
      code: 'NoSuchEntity',
      status: 404,
      message: 'The role with name ghost cannot be found.',
    });
  });
});

describe('inline role policies', () => {
  it('put, get, list, delete; a role with policies cannot be deleted', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'with-policy', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'with-policy', PolicyName: 'read-reports', PolicyDocument: PERMISSIONS }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'with-policy', PolicyName: 'read-reports' }));
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(PERMISSIONS);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'with-policy' }))).PolicyNames).toEqual(['read-reports']);
    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'with-policy' })), {
      code: 'DeleteConflict',
      status: 409,
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'with-policy', PolicyName: 'read-reports' }));
    await expectAwsError(iam.send(new GetRolePolicyCommand({ RoleName: 'with-policy', PolicyName: 'read-reports' })), {
      code: 'NoSuchEntity',
      status: 404,
      message: 'The role policy with name read-reports cannot be found.',
    });
    await iam.send(new DeleteRoleCommand({ RoleName: 'with-policy' }));
  });

  it('refuses a permissions policy naming a principal, and invalid JSON', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'strict', AssumeRolePolicyDocument: TRUST }));
    const withPrincipal = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
    });
    await expectAwsError(iam.send(new PutRolePolicyCommand({ RoleName: 'strict', PolicyName: 'p', PolicyDocument: withPrincipal })), {
      code: 'MalformedPolicyDocument',
      status: 400,
      message: 'Policy document should not specify a principal.',
    });
    await expectAwsError(iam.send(new PutRolePolicyCommand({ RoleName: 'strict', PolicyName: 'p', PolicyDocument: '{' })), {
      code: 'MalformedPolicyDocument',
      status: 400,
      message: 'This policy contains invalid Json',
    });
  });
});
