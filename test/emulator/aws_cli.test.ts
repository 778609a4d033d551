import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { type TestIssuer, startTestIssuer } from '../helpers/test_issuer.js';
import { AWS_CLI, type CliResult, runAwsCli, webIdentityTrustPolicy } from './emulator_clients.js';

/**
 * The AWS CLI (Debian's awscli 2.x in CI) against the emulator: set-up with IAM commands, the
 * unsigned web-identity exchange, then the returned credentials used for a signed call.
 */
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/acme-cli`;
const THUMBPRINT = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

let emulator: RunningEmulator;
let issuer: TestIssuer;
let workdir: string;

function cliError(code: string, operation: string, message: string): string {
  // botocore's rendering of an AWS error response.
  return `An error occurred (${code}) when calling the ${operation} operation: ${message}`;
}

function expectFailure(result: CliResult, code: string, operation: string, message: string): void {
  expect(result.code).not.toBe(0);
  expect(result.stderr.trim()).toBe(cliError(code, operation, message));
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  issuer = await startTestIssuer();
  workdir = mkdtempSync(join(tmpdir(), 'rolebridge-cli-'));
});
afterAll(async () => {
  await emulator.close();
  await issuer.close();
});

describe(`AWS CLI (${AWS_CLI})`, () => {
  it('creates the provider and role, exchanges a token, and calls get-caller-identity with the result', async () => {
    const provider = await runAwsCli(emulator.url, [
      'iam',
      'create-open-id-connect-provider',
      '--url',
      issuer.issuer,
      '--client-id-list',
      'sts.amazonaws.com',
      // awscli 2.9 still requires a thumbprint (optional in IAM since 2024, AWS-REFERENCE §5.1).
      '--thumbprint-list',
      THUMBPRINT,
    ]);
    expect(provider.stderr).toBe('');
    const providerArn = (JSON.parse(provider.stdout) as { OpenIDConnectProviderArn: string }).OpenIDConnectProviderArn;
    const prefix = issuer.issuer.replace('http://', '');
    expect(providerArn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/${prefix}`);

    const trustFile = join(workdir, 'trust.json');
    writeFileSync(trustFile, webIdentityTrustPolicy(providerArn, prefix, 'tenant:acme:workload:*'));
    const role = await runAwsCli(emulator.url, ['iam', 'create-role', '--role-name', 'acme-cli', '--assume-role-policy-document', `file://${trustFile}`]);
    expect(role.code).toBe(0);
    const created = JSON.parse(role.stdout) as { Role: { Arn: string; AssumeRolePolicyDocument: unknown } };
    expect(created.Role.Arn).toBe(ROLE_ARN);
    // The CLI decodes IAM's URL-encoded policy documents into JSON.
    expect(created.Role.AssumeRolePolicyDocument).toMatchObject({ Version: '2012-10-17' });

    const got = await runAwsCli(emulator.url, ['iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', providerArn]);
    expect(JSON.parse(got.stdout)).toMatchObject({ Url: prefix, ClientIDList: ['sts.amazonaws.com'] });

    const exchange = await runAwsCli(
      emulator.url,
      ['sts', 'assume-role-with-web-identity', '--role-arn', ROLE_ARN, '--role-session-name', 'cli-session', '--web-identity-token', await issuer.sign()],
      null,
    );
    expect(exchange.stderr).toBe('');
    const out = JSON.parse(exchange.stdout) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      AssumedRoleUser: { Arn: string };
      SubjectFromWebIdentityToken: string;
      Provider: string;
      Audience: string;
    };
    expect(out.Credentials.AccessKeyId).toMatch(/^ASIA/);
    expect(out.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/acme-cli/cli-session`);
    expect(out.SubjectFromWebIdentityToken).toBe('tenant:acme:workload:reporting');
    expect(out.Provider).toBe(providerArn);
    expect(out.Audience).toBe('sts.amazonaws.com');

    const me = await runAwsCli(emulator.url, ['sts', 'get-caller-identity'], {
      accessKeyId: out.Credentials.AccessKeyId,
      secretAccessKey: out.Credentials.SecretAccessKey,
      sessionToken: out.Credentials.SessionToken,
    });
    expect(JSON.parse(me.stdout)).toMatchObject({ Account: ACCOUNT, Arn: out.AssumedRoleUser.Arn });
  });

  it('refuses a sibling tenant\'s token and a wrong-audience token with AWS\'s errors', async () => {
    const exchange = async (token: string) =>
      runAwsCli(emulator.url, ['sts', 'assume-role-with-web-identity', '--role-arn', ROLE_ARN, '--role-session-name', 'cli-session', '--web-identity-token', token], null);
    expectFailure(
      await exchange(await issuer.sign({ sub: 'tenant:globex:workload:reporting' })),
      'AccessDenied',
      'AssumeRoleWithWebIdentity',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    );
    expectFailure(await exchange(await issuer.sign({ aud: 'sts.amazon.com' })), 'InvalidIdentityToken', 'AssumeRoleWithWebIdentity', 'Incorrect token audience');
  });

  it('IAM errors as the CLI prints them: EntityAlreadyExists, NoSuchEntity, MalformedPolicyDocument', async () => {
    expectFailure(
      await runAwsCli(emulator.url, ['iam', 'create-open-id-connect-provider', '--url', issuer.issuer, '--client-id-list', 'x', '--thumbprint-list', THUMBPRINT]),
      'EntityAlreadyExists',
      'CreateOpenIDConnectProvider',
      `Provider with url ${issuer.issuer} already exists.`,
    );
    expectFailure(await runAwsCli(emulator.url, ['iam', 'get-role', '--role-name', 'ghost']), 'NoSuchEntity', 'GetRole', 'The role with name ghost cannot be found.');
    expectFailure(
      await runAwsCli(emulator.url, ['iam', 'create-role', '--role-name', 'bad', '--assume-role-policy-document', 'trust.json']),
      'MalformedPolicyDocument',
      'CreateRole',
      'This policy contains invalid Json',
    );
  });

  it('signed-call failures: wrong secret and unknown key', async () => {
    expectFailure(
      await runAwsCli(emulator.url, ['sts', 'get-caller-identity'], { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00' }),
      'SignatureDoesNotMatch',
      'GetCallerIdentity',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
    expectFailure(
      await runAwsCli(emulator.url, ['sts', 'get-caller-identity'], { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) }),
      'InvalidClientTokenId',
      'GetCallerIdentity',
      'The security token included in the request is invalid.',
    );
  });
});
