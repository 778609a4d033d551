/**
 * The whole federation path with nothing of ours in the middle: rolebridge's issuer mints the tokens, the
 * customer's side is set up by running the AWS CLI script `rolebridge policy trust --format cli` prints, and
 * the AWS CLI itself exchanges the tokens with STS (the emulator, which fetches our discovery and JWKS over HTTP).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runAwsCli } from '../emulator/emulator_clients.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

const run = promisify(execFile);

describe('rolebridge issuer → AWS CLI → STS', () => {
  let server: TestServer;
  let emulator: RunningEmulator;
  let issuer: string;
  const secrets: Record<string, string> = {};

  async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { ...server.adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}`).toBe(201);
    return (await response.json()) as Record<string, unknown>;
  }

  async function tokenFor(workload: string, tokenConfig: string): Promise<string> {
    const response = await fetch(`${server.url}/api/v1/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secrets[workload]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tokenConfig }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }

  beforeAll(async () => {
    server = await startTestServer();
    emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
    issuer = (await admin('POST', '/tenants', { id: 'acme', name: 'Acme' })).issuer as string;
    const template = 'app:deployment:{deployment}:component:{component}';
    await admin('POST', '/tenants/acme/token-configs', { name: 'aws', subjectTemplate: template, lifetimeSeconds: 300 });
    await admin('POST', '/tenants/acme/token-configs', { name: 'wrong-audience', audience: 'api://somewhere-else', subjectTemplate: template });
    for (const [name, component] of [['api', 'api'], ['sibling', 'worker']] as const) {
      secrets[name] = (await admin('POST', '/tenants/acme/workloads', { deployment: '12', component })).secret as string;
    }

    // The customer's side: the script `rolebridge policy trust --format cli` prints, run by bash with the real
    // AWS CLI. Debian's CLI 2.9 predates AWS_ENDPOINT_URL, so a small shim adds --endpoint-url and nothing else:
    // the script itself passes --thumbprint-list, which that CLI requires.
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-e2e-'));
    const script = (
      await run(process.execPath, [
        '--import', 'tsx', 'src/cli/main.ts', 'policy', 'trust', '--issuer', issuer, '--audience', 'sts.amazonaws.com',
        '--subject', 'app:deployment:12:component:api', '--account-id', '123456789012', '--role-name', 'acme-api', '--format', 'cli',
      ])
    ).stdout;
    writeFileSync(join(dir, 'setup.sh'), script);
    const realAws = (await run('bash', ['-c', 'test -x /usr/bin/aws && echo /usr/bin/aws || command -v aws'])).stdout.trim();
    writeFileSync(
      join(dir, 'aws'),
      [
        '#!/usr/bin/env bash',
        `exec ${realAws} "$@" --endpoint-url ${emulator.url}`,
        '',
      ].join('\n'),
    );
    chmodSync(join(dir, 'aws'), 0o755);
    await run('bash', ['setup.sh'], {
      cwd: dir,
      env: {
        PATH: `${dir}:${process.env.PATH ?? ''}`,
        HOME: dir,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
    await server?.close();
  });

  async function assume(token: string) {
    return runAwsCli(
      emulator.url,
      ['sts', 'assume-role-with-web-identity', '--role-arn', 'arn:aws:iam::123456789012:role/acme-api', '--role-session-name', 'e2e', '--web-identity-token', token],
      null,
    );
  }

  it('exchanges the workload token and the credentials work', async () => {
    const result = await assume(await tokenFor('api', 'aws'));
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
      SubjectFromWebIdentityToken: string;
      Provider: string;
      Audience: string;
    };
    expect(answer.SubjectFromWebIdentityToken).toBe('app:deployment:12:component:api');
    expect(answer.Audience).toBe('sts.amazonaws.com');
    expect(answer.Credentials.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);

    const identity = await runAwsCli(emulator.url, ['sts', 'get-caller-identity'], {
      accessKeyId: answer.Credentials.AccessKeyId,
      secretAccessKey: answer.Credentials.SecretAccessKey,
      sessionToken: answer.Credentials.SessionToken,
    });
    expect(identity.code, identity.stderr).toBe(0);
    expect(JSON.parse(identity.stdout)).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/acme-api/e2e' });
  });

  it("refuses a sibling workload's token with AWS's AccessDenied", async () => {
    const result = await assume(await tokenFor('sibling', 'aws'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity');
  });

  it('refuses a token for another audience as AWS does', async () => {
    const result = await assume(await tokenFor('api', 'wrong-audience'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience');
  });
});
