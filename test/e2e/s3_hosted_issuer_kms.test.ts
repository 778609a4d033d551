/**
 * A private issuer the way platforms run one in production: signing keys in KMS (the emulator's), discovery
 * and JWKS published to S3 (the emulator's, read anonymously as public-read objects), the IAM provider
 * registered for the S3 URL, and STS (the emulator's) exchanging tokens while no rolebridge endpoint is
 * reachable at all. Rotation waits for the published copy.
 */
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ADMIN, iamClient, stsClient, webIdentityTrustPolicy } from '../emulator/emulator_clients.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/rolebridge.js', import.meta.url));
const ROLE_ARN = 'arn:aws:iam::123456789012:role/acme-s3-hosted';
/** Every `rolebridge publish` is a process start: seconds each on a loaded two-core machine. */
const PROCESS_TIMEOUT_MS = 180_000;

describe('issuer hosted in S3, keys in KMS, tokens exchanged by STS with no rolebridge endpoint reachable', () => {
  let emulator: RunningEmulator;
  let server: TestServer;
  let databaseUrl: string;
  let template: string;
  let issuer: string;
  let secret: string;

  const admin = async (path: string, body?: unknown): Promise<Response> =>
    fetch(`${server.url}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...server.adminHeaders, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** `rolebridge publish --s3 … --public-read` as a process, with the AWS SDK's environment pointing at the emulator. */
  const publish = async (...extra: string[]): Promise<string[]> => {
    const { stdout } = await run(process.execPath, [BIN, 'publish', '--s3', 's3://issuers', '--public-read', '--json', ...extra], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ROLEBRIDGE_DATABASE_URL: databaseUrl,
        ROLEBRIDGE_ISSUER_TEMPLATE: template,
        ROLEBRIDGE_JWKS_MAX_AGE_SECONDS: '0',
        AWS_ENDPOINT_URL_S3: emulator.url,
        AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      timeout: 60_000,
    });
    return (JSON.parse(stdout) as { files: string[] }).files;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    await new S3Client({ endpoint: emulator.url, region: 'us-east-1', credentials: ADMIN, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'issuers' }));
    databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'rolebridge-s3-issuer-')), 'db.sqlite')}`;
    template = `${emulator.url}/issuers/t/{tenant}`;
    server = await startTestServer({
      databaseUrl,
      issuerTemplate: template,
      jwksMaxAgeSeconds: 0,
      keyCustody: 'kms',
      kmsRegion: 'us-east-1',
      issuerPublished: true,
      runtime: { kms: { endpoint: emulator.url, credentials: ADMIN } },
    });
    const tenant = await admin('/tenants', { id: 'acme', name: 'Acme' });
    expect(tenant.status).toBe(201);
    issuer = ((await tenant.json()) as { issuer: string }).issuer;
    expect(issuer).toBe(`${emulator.url}/issuers/t/acme`);
    expect((await admin('/tenants/acme/token-configs', { name: 'default', subjectTemplate: 'deployment:{deployment}:component:{component}' })).status).toBe(201);
    secret = ((await (await admin('/tenants/acme/workloads', { deployment: 'prod', component: 'api' })).json()) as { secret: string }).secret;

    const iam = iamClient(emulator.url);
    const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
    const prefix = issuer.replace(/^http:\/\//, '');
    await iam.send(
      new CreateRoleCommand({ RoleName: 'acme-s3-hosted', AssumeRolePolicyDocument: webIdentityTrustPolicy(provider.OpenIDConnectProviderArn!, prefix, 'deployment:prod:component:api') }),
    );
  }, PROCESS_TIMEOUT_MS);
  afterAll(async () => {
    await server?.close().catch(() => undefined);
    await emulator?.close();
  });

  const token = async (): Promise<string> => {
    const response = await fetch(`${server.url}/api/v1/token`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  };

  it('publishes byte-identical documents to S3 with the server\'s Content-Type and Cache-Control, readable anonymously', async () => {
    const files = await publish();
    expect(files).toEqual(['s3://issuers/t/acme/.well-known/openid-configuration', 's3://issuers/t/acme/.well-known/jwks.json']);
    for (const suffix of ['/.well-known/openid-configuration', '/.well-known/jwks.json']) {
      const fromS3 = await fetch(`${issuer}${suffix}`);
      const fromServer = await fetch(`${server.url}/issuers/t/acme${suffix}`);
      expect(fromS3.status).toBe(200);
      expect(Buffer.from(await fromS3.arrayBuffer()).equals(Buffer.from(await fromServer.arrayBuffer()))).toBe(true);
      expect(fromS3.headers.get('content-type')).toBe('application/json');
      expect(fromS3.headers.get('cache-control')).toBe(fromServer.headers.get('cache-control'));
    }
  }, PROCESS_TIMEOUT_MS);

  it('refuses to promote a key the published copy does not list yet, and promotes it once published', async () => {
    // The first next key was published above: this rotation may proceed, and creates a new, unpublished next key.
    expect((await admin('/tenants/acme/keys/rotate', {})).status).toBe(200);
    const refused = await admin('/tenants/acme/keys/rotate', {});
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: { code: string; details: { jwksUri: string; missing: string[] } } };
    expect(body.error.code).toBe('next_key_not_published');
    expect(body.error.details.jwksUri).toBe(`${issuer}/.well-known/jwks.json`);
    await publish('--tenant', 'acme');
    expect((await admin('/tenants/acme/keys/rotate', {})).status).toBe(200);
    await publish();
  }, PROCESS_TIMEOUT_MS);

  it('STS exchanges a KMS-signed token, fetching discovery and JWKS from S3 only (the rolebridge server is closed)', async () => {
    const jwt = await token();
    const keys = (await (await admin('/tenants/acme/keys')).json()) as { keys: Array<{ kid: string; state: string; custody: string }> };
    const active = keys.keys.find((k) => k.state === 'active')!;
    expect(active.custody).toBe('kms');
    expect(decodeProtectedHeader(jwt).kid).toBe(active.kid);
    await server.close();

    const { Credentials, Provider } = await stsClient(emulator.url).send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'acme-api', WebIdentityToken: jwt }),
    );
    expect(Provider).toContain('issuers/t/acme');
    const identity = await stsClient(emulator.url, {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/acme-s3-hosted/acme-api');

    const events = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<{ eventSource: string; eventName: string; userIdentity: { accountId?: string } }>;
    const anonymousReads = events.filter((e) => e.eventSource === 's3.amazonaws.com' && e.eventName === 'GetObject' && e.userIdentity.accountId === 'anonymous');
    expect(anonymousReads.length).toBeGreaterThanOrEqual(2); // discovery and JWKS, fetched by STS from S3
  }, PROCESS_TIMEOUT_MS);
});

describe('rolebridge publish --out', () => {
  it('writes <dir>/<issuer path>/.well-known/… byte-identical to the server, for every tenant or one', async () => {
    const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'rolebridge-publish-')), 'db.sqlite')}`;
    const template = 'https://id.example.com/t/{tenant}';
    const server = await startTestServer({ databaseUrl, issuerTemplate: template });
    try {
      for (const id of ['acme', 'globex']) {
        expect((await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers: { ...server.adminHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ id, name: id }) })).status).toBe(201);
      }
      const out = mkdtempSync(join(tmpdir(), 'rolebridge-published-'));
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ROLEBRIDGE_DATABASE_URL: databaseUrl, ROLEBRIDGE_ISSUER_TEMPLATE: template };
      const { stdout } = await run(process.execPath, [BIN, 'publish', '--out', out], { env });
      expect(stdout.trim().split('\n')).toHaveLength(4);
      for (const tenant of ['acme', 'globex']) {
        for (const name of ['openid-configuration', 'jwks.json']) {
          const served = Buffer.from(await (await fetch(`${server.url}/t/${tenant}/.well-known/${name}`)).arrayBuffer());
          expect(readFileSync(join(out, 't', tenant, '.well-known', name)).equals(served)).toBe(true);
        }
      }
      const one = mkdtempSync(join(tmpdir(), 'rolebridge-published-one-'));
      const single = await run(process.execPath, [BIN, 'publish', '--out', one, '--tenant', 'globex', '--json'], { env });
      expect((JSON.parse(single.stdout) as { files: string[] }).files).toEqual([
        join(one, 't/globex/.well-known/openid-configuration'),
        join(one, 't/globex/.well-known/jwks.json'),
      ]);
      const usage = await run(process.execPath, [BIN, 'publish'], { env }).catch((error: { code: number; stderr: string }) => error);
      expect(usage).toMatchObject({ code: 2 });
      expect((usage as { stderr: string }).stderr).toContain('--out');
    } finally {
      await server.close();
    }
  }, PROCESS_TIMEOUT_MS);

  it('--watch republishes when a key changes, and stops on SIGTERM', async () => {
    const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'rolebridge-watch-')), 'db.sqlite')}`;
    const template = 'https://id.example.com/t/{tenant}';
    const server = await startTestServer({ databaseUrl, issuerTemplate: template, jwksMaxAgeSeconds: 0 });
    const out = mkdtempSync(join(tmpdir(), 'rolebridge-watched-'));
    const headers = { ...server.adminHeaders, 'content-type': 'application/json' };
    try {
      expect((await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers, body: JSON.stringify({ id: 'acme', name: 'Acme' }) })).status).toBe(201);
      const child = spawn(process.execPath, [BIN, 'publish', '--out', out, '--watch', '--interval', '1'], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ROLEBRIDGE_DATABASE_URL: databaseUrl, ROLEBRIDGE_ISSUER_TEMPLATE: template },
      });
      // Each publication prints the files it wrote (two per tenant); wait for the n-th line, not for a clock.
      let output = '';
      const waiters: Array<() => void> = [];
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        for (const wake of waiters.splice(0)) wake();
      });
      const lines = async (count: number): Promise<void> => {
        while (output.trim().split('\n').filter(Boolean).length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      };
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await lines(2);
      const jwksFile = join(out, 't', 'acme', '.well-known', 'jwks.json');
      const before = readFileSync(jwksFile);
      expect((await fetch(`${server.url}/api/v1/tenants/acme/keys/rotate`, { method: 'POST', headers, body: '{}' })).status).toBe(200);
      await lines(4);
      const after = readFileSync(jwksFile);
      expect(after.equals(before)).toBe(false);
      expect(after.equals(Buffer.from(await (await fetch(`${server.url}/t/acme/.well-known/jwks.json`)).arrayBuffer()))).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await server.close();
    }
  }, PROCESS_TIMEOUT_MS);
});
