/**
 * Session tags within AWS's limits, end to end: each tag may be valid (≤ 50 tags, keys ≤ 128, values ≤ 256) and
 * STS still refuses the session when the packed tags exceed its allowance. The emulator answers
 * `PackedPolicyTooLarge` as AWS does, and the doctor explains it with the sizes involved.
 */
import { randomBytes } from 'node:crypto';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { expectAwsError, iamClient, stsClient, webIdentityTrustPolicy } from '../emulator/emulator_clients.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

/** Values that do not compress (random hex), as long as AWS allows one: 20 of them overflow the packed allowance. */
const bigTags = (count: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag${String(i).padStart(2, '0')}`, randomBytes(128).toString('hex')]));
const roleArn = (name: string): string => `arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:role/${name}`;

interface DiagnosisBody {
  code: string;
  actual: string;
  expected: string;
  setting: string;
  fix: string;
  sts: { code: string; message: string };
  packedSize: {
    percent: number;
    sessionTags: { count: number; keyCharacters: number; valueCharacters: number; largest: Array<{ key: string; characters: number }> };
    sessionPolicyCharacters: number;
    targetCharacters: number;
  };
}

describe('PackedPolicyTooLarge: the emulator refuses like STS, the doctor names the sizes', () => {
  let emulator: RunningEmulator;
  let server: TestServer;

  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { ...server.adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
    server = await startTestServer({ runtime: { broker: { sts: { endpoint: emulator.url, maxAttempts: 1 } } } });
    const tenant = await api<{ issuer: string }>('POST', '/tenants', { id: 'acme', name: 'Acme' });
    expect(tenant.status).toBe(201);
    const subjectTemplate = 'deployment:{deployment}:component:{component}';
    expect((await api('POST', '/tenants/acme/token-configs', { name: 'tagged', subjectTemplate, sessionTags: { principalTags: bigTags(20) } })).status).toBe(201);
    expect(
      (await api('POST', '/tenants/acme/token-configs', { name: 'lean', subjectTemplate, sessionTags: { principalTags: { team: 'data', deployment: '{deployment}' } } })).status,
    ).toBe(201);
    expect((await api('POST', '/tenants/acme/workloads', { deployment: 'prod', component: 'api' })).status).toBe(201);

    const issuer = tenant.body.issuer;
    const iam = iamClient(emulator.url);
    const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
    const trust = webIdentityTrustPolicy(provider.OpenIDConnectProviderArn!, issuer.replace(/^http:\/\//, ''), 'deployment:prod:component:api', ['sts:TagSession']);
    await iam.send(new CreateRoleCommand({ RoleName: 'acme-tagged', AssumeRolePolicyDocument: trust }));
    for (const [name, tokenConfig] of [['tagged', 'tagged'], ['lean', 'lean']]) {
      expect((await api('POST', '/tenants/acme/connections', { name, roleArn: roleArn('acme-tagged'), region: 'us-east-1', tokenConfig, verify: false })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await server?.close().catch(() => undefined);
    await emulator?.close();
  });

  it('AssumeRole with tags past the packed allowance is 400 PackedPolicyTooLarge; a few short tags pass with their PackedPolicySize', async () => {
    const iam = iamClient(emulator.url);
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'tag-target', AssumeRolePolicyDocument: trust }));
    // Roles may not be assumed by the root account's keys: an IAM user allowed to assume and tag calls.
    await iam.send(new CreateUserCommand({ UserName: 'tagger' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'tagger',
        PolicyName: 'assume',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }] }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'tagger' }))).AccessKey!;
    const sts = stsClient(emulator.url, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const tags = (record: Record<string, string>) => Object.entries(record).map(([Key, Value]) => ({ Key, Value }));
    await expectAwsError(sts.send(new AssumeRoleCommand({ RoleArn: roleArn('tag-target'), RoleSessionName: 'big', Tags: tags(bigTags(20)) })), {
      code: 'PackedPolicyTooLarge',
      status: 400,
      message: /^Packed size of session tags consumes \d{3}% of allotted space\.$/,
    });
    const lean = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn('tag-target'), RoleSessionName: 'lean', Tags: tags({ team: 'data' }) }));
    expect(lean.PackedPolicySize).toBeGreaterThan(0);
    expect(lean.PackedPolicySize).toBeLessThanOrEqual(100);
  });

  it('the doctor explains the refused web-identity exchange with the tag count, the characters, the largest tags and the target', async () => {
    const test = await api<{ ok: boolean; diagnosis: DiagnosisBody }>('POST', '/tenants/acme/connections/tagged/test', {});
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(false);
    const { diagnosis } = test.body;
    expect(diagnosis.code).toBe('packed_policy_too_large');
    expect(diagnosis.sts.code).toBe('PackedPolicyTooLarge');
    const percent = Number(/consumes (\d+)%/.exec(diagnosis.sts.message)![1]);
    expect(percent).toBeGreaterThan(100);
    expect(diagnosis.setting).toBe('token config tagged › sessionTags');
    expect(diagnosis.packedSize).toMatchObject({
      percent,
      sessionTags: { count: 20, keyCharacters: 100, valueCharacters: 5120 },
      sessionPolicyCharacters: 0,
      targetCharacters: Math.floor((5220 * 100) / percent),
    });
    expect(diagnosis.packedSize.sessionTags.largest).toHaveLength(3);
    expect(diagnosis.actual).toContain(`${percent}%: 20 session tags (100 characters of keys, 5120 of values; largest: tag00 261`);
    expect(diagnosis.fix).toContain(`5220 → ≤ ${diagnosis.packedSize.targetCharacters}`);

    // The same role with two short tags: the exchange works, so the refusal was the size and nothing else.
    const lean = await api<{ ok: boolean; steps: Array<{ name: string; status: string }> }>('POST', '/tenants/acme/connections/lean/test', { probes: false });
    expect(lean.body.steps.find((step) => step.name === 'assume_role_with_web_identity')?.status).toBe('ok');
  });
});
