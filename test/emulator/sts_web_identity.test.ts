import { UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer } from '../helpers/test_issuer.js';
import { expectAwsError, iamClient, stsClient, webIdentityTrustPolicy } from './emulator_clients.js';
import { ACCOUNT, type Federation, ROLE_NAME, startFederation } from './federation_fixture.js';

// Texts from AWS-REFERENCE.md §1.6 (verbatim AWS output quoted in public issues).
const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
const NO_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
const NOT_A_JWT = 'The web identity token is not a valid signed JSON Web Token.';
const BAD_SIGNATURE = 'The web identity token signature could not be verified.';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

let federation: Federation;
beforeAll(async () => {
  federation = await startFederation();
});
afterAll(async () => {
  await federation.close();
});

describe('AssumeRoleWithWebIdentity succeeds', () => {
  it('exchanges an ES256 token for credentials AWS-shaped in every field, usable for GetCallerIdentity', async () => {
    const before = Date.now();
    const out = await federation.exchange(await federation.issuer.sign());
    const credentials = out.Credentials!;
    expect(credentials.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(credentials.SecretAccessKey).toHaveLength(40);
    expect(credentials.SessionToken!.length).toBeGreaterThan(100);
    const lifetime = credentials.Expiration!.getTime() - before;
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/workload-1`);
    expect(out.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:workload-1$/);
    expect(out.SubjectFromWebIdentityToken).toBe('tenant:acme:workload:reporting');
    expect(out.Provider).toBe(federation.providerArn);
    expect(out.Provider).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/${federation.prefix}`);
    expect(out.Audience).toBe('sts.amazonaws.com');

    const me = await stsClient(federation.emulator.url, {
      accessKeyId: credentials.AccessKeyId!,
      secretAccessKey: credentials.SecretAccessKey!,
      sessionToken: credentials.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: ACCOUNT, Arn: out.AssumedRoleUser!.Arn, UserId: out.AssumedRoleUser!.AssumedRoleId });
  });

  it('accepts RS256, a token without kid when one key fits its alg, and an array aud', async () => {
    await expect(federation.exchange(await federation.issuer.sign({}, { alg: 'RS256' }))).resolves.toBeDefined();
    await expect(federation.exchange(await federation.issuer.sign({}, { kid: null }))).resolves.toBeDefined();
    const out = await federation.exchange(await federation.issuer.sign({ aud: ['other', 'sts.amazonaws.com'] }));
    expect(out.Audience).toBe('sts.amazonaws.com');
  });

  it('grants DurationSeconds up to the role MaxSessionDuration (7200 here)', async () => {
    const before = Date.now();
    const out = await federation.exchange(await federation.issuer.sign(), { DurationSeconds: 7200 });
    expect(out.Credentials!.Expiration!.getTime() - before).toBeGreaterThan(7190_000);
  });

  it('accepts a token expired less than five minutes ago (AWS: five-minute clock-skew window)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(federation.exchange(await federation.issuer.sign({ iat: now - 600, exp: now - 200 }))).resolves.toBeDefined();
  });
});

describe('AssumeRoleWithWebIdentity refuses as AWS does', () => {
  it('a token from an issuer with no provider in the account: the iss echoed verbatim', async () => {
    await expectAwsError(federation.exchange(await federation.issuer.sign({ iss: 'https://studio.example.com/api' })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: 'No OpenIDConnect provider found in your account for https://studio.example.com/api',
    });
  });

  it('the issuer in another case or with a trailing slash (provider URLs are case-sensitive, not normalised)', async () => {
    const shouted = federation.issuer.issuer.replace('/t/acme', '/T/ACME');
    await expectAwsError(federation.exchange(await federation.issuer.sign({ iss: shouted })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: `No OpenIDConnect provider found in your account for ${shouted}`,
    });
  });

  it('a wrong audience, and azp (when present) outside the client ids', async () => {
    const incorrect = { code: 'InvalidIdentityToken', status: 400, message: 'Incorrect token audience' };
    await expectAwsError(federation.exchange(await federation.issuer.sign({ aud: 'sts.amazon.com' })), incorrect);
    await expectAwsError(federation.exchange(await federation.issuer.sign({ azp: 'some-client' })), incorrect);
  });

  it('missing aud and sub claims', async () => {
    await expectAwsError(federation.exchange(await federation.issuer.sign({ aud: undefined })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: 'Missing a required claim: aud',
    });
    await expectAwsError(federation.exchange(await federation.issuer.sign({ sub: undefined })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: 'Missing a required claim: sub',
    });
  });

  it('a sibling workload whose sub the trust policy does not match', async () => {
    await expectAwsError(federation.exchange(await federation.issuer.sign({ sub: 'tenant:globex:workload:reporting' })), {
      code: 'AccessDenied',
      status: 403,
      message: NOT_AUTHORIZED,
    });
  });

  it('a role that does not exist: AccessDenied, not NoSuchEntity', async () => {
    await expectAwsError(
      federation.exchange(await federation.issuer.sign(), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/nope` }),
      { code: 'AccessDenied', status: 403, message: NOT_AUTHORIZED },
    );
  });

  it('an expired token, with the epochs in AWS\'s 2024 wording', async () => {
    const now = Math.floor(Date.now() / 1000);
    const exp = now - 400;
    await expectAwsError(federation.exchange(await federation.issuer.sign({ iat: now - 900, exp })), {
      code: 'ExpiredTokenException',
      status: 400,
      message: new RegExp(`^Token expired: current date/time \\d{10} must be before the expiration date/time ${exp}$`),
    });
  });

  it('a token not valid before ten minutes from now, and one without exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectAwsError(federation.exchange(await federation.issuer.sign({ nbf: now + 600 })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: /^Token is not yet valid: /,
    });
    await expectAwsError(federation.exchange(await federation.issuer.sign({ exp: undefined })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: 'Missing a required claim: exp',
    });
  });

  it('DurationSeconds above the role MaxSessionDuration, and outside 900..43200', async () => {
    const token = await federation.issuer.sign();
    await expectAwsError(federation.exchange(token, { DurationSeconds: 10800 }), {
      code: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    await expectAwsError(federation.exchange(token, { DurationSeconds: 600 }), {
      code: 'ValidationError',
      status: 400,
      message: "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
    await expectAwsError(federation.exchange(token, { DurationSeconds: 86400 }), {
      code: 'ValidationError',
      status: 400,
      message: "1 validation error detected: Value '86400' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    });
  });

  it('RoleSessionName outside 2..64 of [\\w+=,.@-] (AWS-REFERENCE §1.7 captures)', async () => {
    const token = await federation.issuer.sign();
    await expectAwsError(federation.exchange(token, { RoleSessionName: 'dependabot[bot]' }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value 'dependabot[bot]' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    });
    const long = `presto-s3a://my-bucket/${'x'.repeat(50)}`;
    await expectAwsError(federation.exchange(token, { RoleSessionName: long }), {
      code: 'ValidationError',
      status: 400,
      message: `2 validation errors detected: Value '${long}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64; Value '${long}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    });
    await expectAwsError(federation.exchange(token, { RoleSessionName: 'a' }), {
      code: 'ValidationError',
      status: 400,
      message: "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    });
  });

  it('a malformed session Policy and a RoleArn that is not a role ARN', async () => {
    const token = await federation.issuer.sign();
    await expectAwsError(federation.exchange(token, { Policy: '{"Statement": "nope"}' }), {
      code: 'MalformedPolicyDocument',
      status: 400,
      message: /.+/,
    });
    await expectAwsError(federation.exchange(token, { RoleArn: 'arn:aws:s3:::bucket/not-a-role' }), {
      code: 'ValidationError',
      status: 400,
      message: 'Request ARN is invalid',
    });
  });

  it('session tags in the token unless the trust policy also allows sts:TagSession', async () => {
    const tagged = await federation.issuer.sign({
      'https://aws.amazon.com/tags': { principal_tags: { Project: ['Automation'] }, transitive_tag_keys: ['Project'] },
    });
    await expectAwsError(federation.exchange(tagged), { code: 'AccessDenied', status: 403, message: NOT_AUTHORIZED });
    const iam = iamClient(federation.emulator.url);
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: ROLE_NAME,
        PolicyDocument: webIdentityTrustPolicy(federation.providerArn, federation.prefix, 'tenant:acme:*', ['sts:TagSession']),
      }),
    );
    try {
      await expect(federation.exchange(tagged)).resolves.toBeDefined();
    } finally {
      await iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: ROLE_NAME,
          PolicyDocument: webIdentityTrustPolicy(federation.providerArn, federation.prefix, 'tenant:acme:*'),
        }),
      );
    }
  });
});

describe('adversarial tokens', () => {
  const claims = (): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: federation.issuer.issuer, sub: 'tenant:acme:workload:reporting', aud: 'sts.amazonaws.com', iat: now, exp: now + 300 };
  };

  it('alg none, with and without a signature part', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    await expectAwsError(federation.exchange(unsigned), { code: 'InvalidIdentityToken', status: 400, message: NOT_A_JWT });
    await expectAwsError(federation.exchange(`${unsigned}c2ln`), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: /^Unsupported JWT signing algorithm none: /,
    });
  });

  it('an ES256 token stripped to a trailing dot (the Floci bypass)', async () => {
    const token = await federation.issuer.sign();
    const stripped = token.slice(0, token.lastIndexOf('.') + 1);
    await expectAwsError(federation.exchange(stripped), { code: 'InvalidIdentityToken', status: 400, message: NOT_A_JWT });
  });

  it('HS256 signed with the public JWKS as the HMAC secret', async () => {
    const jwks = await (await fetch(`${federation.issuer.issuer}/.well-known/jwks.json`)).text();
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'es-1' })}.${b64(claims())}`;
    const token = `${input}.${createHmac('sha256', jwks).update(input).digest('base64url')}`;
    await expectAwsError(federation.exchange(token), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: /^Unsupported JWT signing algorithm HS256: /,
    });
  });

  it('a kid the issuer does not publish', async () => {
    await expectAwsError(federation.exchange(await federation.issuer.sign({}, { kid: 'not-there' })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: NO_KEY,
    });
  });

  it('a tampered payload under a genuine signature', async () => {
    const [header, , signature] = (await federation.issuer.sign({ sub: 'tenant:globex:workload:x' })).split('.');
    const forged = `${header}.${b64({ ...claims(), sub: 'tenant:acme:workload:reporting' })}.${signature}`;
    await expectAwsError(federation.exchange(forged), { code: 'InvalidIdentityToken', status: 400, message: BAD_SIGNATURE });
  });

  it('a token signed by another key under the same kid, claiming our issuer', async () => {
    await expectAwsError(federation.exchange(await federation.issuer.sign({}, { foreignKey: true })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: BAD_SIGNATURE,
    });
  });

  it('a token from another (unregistered) issuer with the same kid', async () => {
    const other = await startTestIssuer();
    try {
      await expectAwsError(federation.exchange(await other.sign()), {
        code: 'InvalidIdentityToken',
        status: 400,
        message: `No OpenIDConnect provider found in your account for ${other.issuer}`,
      });
    } finally {
      await other.close();
    }
  });

  it('garbage that is not a JWT at all', async () => {
    await expectAwsError(federation.exchange('not-a-token'), { code: 'InvalidIdentityToken', status: 400, message: NOT_A_JWT });
  });
});

describe('discovery and JWKS over HTTP', () => {
  it('honours Cache-Control max-age, refetches on no-cache', async () => {
    const own = await startFederation();
    try {
      own.issuer.setCacheControl('public, max-age=300');
      await own.exchange(await own.issuer.sign());
      await own.exchange(await own.issuer.sign());
      expect(own.issuer.jwksFetches()).toBe(1);
      own.issuer.setCacheControl('no-cache');
      await own.emulator.close();
    } finally {
      await own.close().catch(() => undefined);
    }
    const fresh = await startFederation();
    try {
      fresh.issuer.setCacheControl('no-cache');
      await fresh.exchange(await fresh.issuer.sign());
      await fresh.exchange(await fresh.issuer.sign());
      expect(fresh.issuer.jwksFetches()).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it('refetches a cached JWKS when a token names an unknown kid (key rotation)', async () => {
    const own = await startFederation();
    try {
      own.issuer.setCacheControl('max-age=3600');
      await own.exchange(await own.issuer.sign());
      await own.issuer.rotate();
      await expect(own.exchange(await own.issuer.sign())).resolves.toBeDefined();
      expect(own.issuer.jwksFetches()).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('an unreachable issuer, and one slower than the fetch timeout', async () => {
    const own = await startFederation({ issuerFetchTimeoutMs: 300 });
    try {
      const token = await own.issuer.sign();
      own.issuer.setOffline(true);
      await expectAwsError(own.exchange(token), { code: 'InvalidIdentityToken', status: 400, message: NO_KEY });
      own.issuer.setOffline(false);
      own.issuer.setLatency(1000);
      await expectAwsError(own.exchange(token), { code: 'InvalidIdentityToken', status: 400, message: NO_KEY });
      own.issuer.setLatency(0);
      await expect(own.exchange(token)).resolves.toBeDefined();
    } finally {
      await own.close();
    }
  });
});
