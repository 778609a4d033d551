import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ADMIN, expectAwsError, stsClient } from './emulator_clients.js';
import { type Federation, ROLE_ARN, startFederation } from './federation_fixture.js';

// AWS-REFERENCE §6 (verbatim AWS texts).
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('SigV4', () => {
  let emulator: RunningEmulator;
  let offsetMs = 0;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, now: () => Date.now() + offsetMs });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('accepts the admin keys as the account root', async () => {
    const me = await stsClient(emulator.url).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:root', UserId: '123456789012' });
  });

  it('refuses a wrong secret: SignatureDoesNotMatch', async () => {
    await expectAwsError(stsClient(emulator.url, { ...ADMIN, secretAccessKey: `${ADMIN.secretAccessKey}x` }).send(new GetCallerIdentityCommand({})), {
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: SIGNATURE_MISMATCH,
    });
  });

  it('refuses an unknown key, and a temporary key without its session token: InvalidClientTokenId', async () => {
    const invalid = { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' };
    await expectAwsError(stsClient(emulator.url, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})), invalid);
    await expectAwsError(stsClient(emulator.url, { accessKeyId: 'ASIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40), sessionToken: 'nope' }).send(new GetCallerIdentityCommand({})), invalid);
  });

  it('refuses a request signed more than 15 minutes ago (STS skew, AWS-REFERENCE §6)', async () => {
    offsetMs = 20 * 60 * 1000;
    try {
      await expectAwsError(stsClient(emulator.url).send(new GetCallerIdentityCommand({})), {
        code: 'SignatureDoesNotMatch',
        status: 403,
        message: /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
      });
    } finally {
      offsetMs = 0;
    }
  });

  it('answers an unsigned call to a signed action with MissingAuthenticationToken', async () => {
    const response = await fetch(`${emulator.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(response.status).toBe(403);
    const body = new XMLParser().parse(await response.text()) as { ErrorResponse: { Error: Record<string, string>; RequestId: string } };
    expect(body.ErrorResponse.Error).toEqual({ Type: 'Sender', Code: 'MissingAuthenticationToken', Message: 'Request is missing Authentication Token' });
    expect(body.ErrorResponse.RequestId).toBe(response.headers.get('x-amzn-requestid'));
  });
});

describe('session expiry', () => {
  let federation: Federation;
  let offsetMs = 0;
  beforeAll(async () => {
    federation = await startFederation({ now: () => Date.now() + offsetMs });
  });
  afterAll(async () => {
    await federation.close();
  });

  it('refuses expired session credentials with ExpiredToken (AWS-REFERENCE §6)', async () => {
    const out = await federation.exchange(await federation.issuer.sign(), { DurationSeconds: 900 });
    const session = stsClient(federation.emulator.url, {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    });
    await expect(session.send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    offsetMs = 901_000;
    try {
      await expectAwsError(session.send(new GetCallerIdentityCommand({})), {
        code: 'ExpiredToken',
        status: 403,
        message: 'The security token included in the request is expired',
      });
    } finally {
      offsetMs = 0;
    }
  });
});

describe('AWS Query wire format', () => {
  let federation: Federation;
  beforeAll(async () => {
    federation = await startFederation();
  });
  afterAll(async () => {
    await federation.close();
  });

  it('answers a GET query AssumeRoleWithWebIdentity with AWS\'s XML, namespace and RequestId', async () => {
    const query = new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'get-query',
      WebIdentityToken: await federation.issuer.sign(),
    });
    const response = await fetch(`${federation.emulator.url}/?${query.toString()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml');
    const text = await response.text();
    expect(text).toMatch(/^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleWithWebIdentityResult>/);
    const parsed = new XMLParser().parse(text) as {
      AssumeRoleWithWebIdentityResponse: { AssumeRoleWithWebIdentityResult: { Credentials: { Expiration: string } }; ResponseMetadata: { RequestId: string } };
    };
    expect(parsed.AssumeRoleWithWebIdentityResponse.AssumeRoleWithWebIdentityResult.Credentials.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(parsed.AssumeRoleWithWebIdentityResponse.ResponseMetadata.RequestId).toBe(response.headers.get('x-amzn-requestid'));
  });

  it('renders errors as <ErrorResponse> with RequestId as a direct child (AWS-REFERENCE §1.5)', async () => {
    const response = await fetch(`${federation.emulator.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: ROLE_ARN,
        RoleSessionName: 'x1',
        WebIdentityToken: await federation.issuer.sign({ aud: 'wrong' }),
      }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>` +
        `<Message>Incorrect token audience</Message></Error><RequestId>${response.headers.get('x-amzn-requestid')}</RequestId></ErrorResponse>\n`,
    );
  });

  it('refuses a signed action it does not emulate with InvalidAction', async () => {
    await expectAwsError(stsClient(federation.emulator.url).send(new GetSessionTokenCommand({})), {
      code: 'InvalidAction',
      status: 400,
      message: 'Could not find operation GetSessionToken for version 2011-06-15',
    });
  });
});
