/**
 * CONTRACT.md, driven from the outside exactly as written: the `rolebridge` bin as processes (`serve`,
 * `aws-emulator`, the workload and policy commands), the HTTP API with only the documented fields, and the
 * customer's side set up with the AWS SDK against the emulator through AWS_ENDPOINT_URL.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin', 'rolebridge.js');
const ADMIN_TOKEN = 'contract-admin-token-0123456789abcdefghijklmnop';
const ACCOUNT = { accountId: '123456789012', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const dir = mkdtempSync(join(tmpdir(), 'rolebridge-contract-'));
const children: ChildProcessWithoutNullStreams[] = [];

/** Starts a long-running command and resolves with the first URL it prints. */
function startAndReadUrl(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, NO_COLOR: '1' } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (url) resolve(url[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`rolebridge ${args[0]} exited with ${code}: ${output}`)));
  });
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let server = '';
let emulator = '';
let issuer = '';
let workload: { id: string; secret: string; subject: string };

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  emulator = await startAndReadUrl(['aws-emulator', '--port', '0'], {});
  server = await startAndReadUrl(['serve', '--port', '0'], {
    ROLEBRIDGE_DATABASE_URL: `sqlite:${join(dir, 'rolebridge.db')}`,
    ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
    ROLEBRIDGE_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    AWS_ENDPOINT_URL: emulator,
    ROLEBRIDGE_ISSUER_TEMPLATE: '',
  });
}, 60_000);

afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('CONTRACT.md from the outside', () => {
  it('creates a tenant, a token config and a workload with the documented fields', async () => {
    const tenant = await call('POST', '/tenants', { id: 'acme', name: 'Acme' });
    expect(tenant.status).toBe(201);
    expect(tenant.body).toMatchObject({ id: 'acme', name: 'Acme', issuer: `${server}/t/acme` });
    issuer = tenant.body.issuer as string;
    expect((await call('GET', '/tenants/acme')).body).toMatchObject({ id: 'acme', issuer });

    const config = await call('POST', '/tenants/acme/token-configs', {
      name: 'aws',
      audience: 'sts.amazonaws.com',
      subjectTemplate: 'app:deployment:{deployment}:component:{component}:region:{region}',
      lifetimeSeconds: 600,
    });
    expect(config.status).toBe(201);
    expect(config.body).toMatchObject({ name: 'aws', audience: 'sts.amazonaws.com', lifetimeSeconds: 600 });

    const created = await call<typeof workload & { deployment: string; component: string; region: string }>('POST', '/tenants/acme/workloads', {
      deployment: '12',
      component: 'api',
      region: 'eu-west-1',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ deployment: '12', component: 'api', region: 'eu-west-1', subject: 'app:deployment:12:component:api:region:eu-west-1' });
    expect(created.body.secret).toEqual(expect.any(String));
    workload = created.body;
    const listed = await call<{ workloads?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>>('GET', '/tenants/acme/workloads');
    expect(JSON.stringify(listed.body)).not.toContain(workload.secret);

    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(issuer);
    expect(discovery.jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
  });

  it('binds a connection with only the documented fields, verified before it is saved', async () => {
    // The customer's side, with the AWS SDK against the emulator.
    const iam = new IAMClient({ region: 'us-east-1', endpoint: emulator, credentials: ACCOUNT });
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
    const trust = await call<{ policy: unknown }>('GET', '/tenants/acme/trust-policy?tokenConfig=aws&scope=deployment:12&format=json&accountId=123456789012');
    expect(trust.status).toBe(200);
    await iam.send(new CreateRoleCommand({ RoleName: 'acme-reader', AssumeRolePolicyDocument: JSON.stringify(trust.body.policy) }));

    const connection = await call('POST', '/tenants/acme/connections', {
      name: 'reader',
      roleArn: 'arn:aws:iam::123456789012:role/acme-reader',
      region: 'us-east-1',
      tokenConfig: 'aws',
    });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    expect(connection.body).toMatchObject({ name: 'reader', roleArn: 'arn:aws:iam::123456789012:role/acme-reader', region: 'us-east-1', tokenConfig: 'aws', chain: [] });

    const refused = await call<{ error: { code: string } }>('POST', '/tenants/acme/connections', {
      name: 'wrong-role',
      roleArn: 'arn:aws:iam::123456789012:role/does-not-exist',
      region: 'us-east-1',
      tokenConfig: 'aws',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('role_not_assumable');
    expect((await call('GET', '/tenants/acme/connections')).body).not.toContain('wrong-role');
  }, 60_000);

  it('tests the connection: ok, steps and refused probes', async () => {
    const tested = await call<{ ok: boolean; steps: unknown[]; probes: Array<{ refused?: boolean; outcome?: string }> }>('POST', '/tenants/acme/connections/reader/test', {});
    expect(tested.status).toBe(200);
    expect(tested.body.ok, JSON.stringify(tested.body, null, 2)).toBe(true);
    expect(tested.body.steps.length).toBeGreaterThan(2);
    expect(tested.body.probes.length).toBeGreaterThan(0);

    const viaCli = await cli(['connections', 'test', 'reader', '--tenant', 'acme', '--server', server, '--json'], { ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(viaCli.code, viaCli.stderr).toBe(0);
    expect(JSON.parse(viaCli.stdout)).toMatchObject({ ok: true });
  }, 60_000);

  it('delivers a token and credentials to the workload', async () => {
    const token = await call<{ token: string; expiresAt: string }>('POST', '/token', {}, workload.secret);
    expect(token.status).toBe(200);
    expect(token.body.token.split('.')).toHaveLength(3);
    expect(Date.parse(token.body.expiresAt)).toBeGreaterThan(Date.now());

    const credentials = await call<Record<string, string>>('GET', '/credentials/reader', undefined, workload.secret);
    expect(credentials.status).toBe(200);
    expect(Object.keys(credentials.body)).toEqual(expect.arrayContaining(['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration', 'RoleArn']));
    expect(credentials.body.AccessKeyId).toMatch(/^ASIA/);

    const env = { ROLEBRIDGE_SERVER: server, ROLEBRIDGE_WORKLOAD_SECRET: workload.secret };
    const printed = await cli(['token'], env);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout.trim().split('.')).toHaveLength(3);
    const process = await cli(['credential-process', '--connection', 'reader'], env);
    expect(process.code, process.stderr).toBe(0);
    expect(JSON.parse(process.stdout)).toMatchObject({ Version: 1, AccessKeyId: expect.stringMatching(/^ASIA/) });

    const denied = await call<{ error: { code: string } }>('GET', '/credentials/reader', undefined, 'not-a-secret');
    expect(denied.status).toBe(401);
  }, 60_000);

  it('simulates and lints policies on the CLI with the documented exit codes', async () => {
    const trust = await call<{ policy: unknown }>('GET', '/tenants/acme/trust-policy?tokenConfig=aws&scope=deployment:12&format=json&accountId=123456789012');
    writeFileSync(join(dir, 'trust.json'), JSON.stringify(trust.body.policy));
    const token = await call<{ token: string }>('POST', '/token', {}, workload.secret);
    writeFileSync(join(dir, 'token.jwt'), token.body.token);
    writeFileSync(join(dir, 'sibling.json'), JSON.stringify({ iss: issuer, aud: 'sts.amazonaws.com', sub: 'app:deployment:13:component:api:region:eu-west-1' }));

    const allowed = await cli(['policy', 'simulate', '--policy', join(dir, 'trust.json'), '--token', join(dir, 'token.jwt'), '--json']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ decision: 'Allowed', statements: expect.any(Array) });
    const denied = await cli(['policy', 'simulate', '--policy', join(dir, 'trust.json'), '--claims', join(dir, 'sibling.json'), '--json']);
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout)).toMatchObject({ decision: 'ImplicitlyDenied' });
    const usage = await cli(['policy', 'simulate', '--policy', join(dir, 'missing.json'), '--claims', join(dir, 'sibling.json')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).not.toBe('');

    const clean = await cli(['policy', 'lint', join(dir, 'trust.json'), '--issuer', issuer, '--json']);
    expect(clean.code, clean.stdout).toBe(0);
    writeFileSync(join(dir, 'open.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity' }] }));
    const broken = await cli(['policy', 'lint', join(dir, 'open.json'), '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).findings).toContainEqual(expect.objectContaining({ severity: 'error' }));

    const terraform = await cli(['policy', 'trust', '--issuer', issuer, '--audience', 'sts.amazonaws.com', '--subject', 'app:deployment:12:*', '--format', 'terraform']);
    expect(terraform.code).toBe(0);
    expect(terraform.stdout).toContain('aws_iam_openid_connect_provider');
  }, 60_000);

  it('lists keys, keeps an audit log, and refuses database auth while the flag is off', async () => {
    const keys = await call<{ keys: Array<{ kid: string }> } | Array<{ kid: string }>>('GET', '/tenants/acme/keys');
    expect(keys.status).toBe(200);
    const audit = await call<{ events: Array<{ action: string }> }>('GET', '/tenants/acme/audit');
    expect(audit.body.events.map((event) => event.action)).toEqual(expect.arrayContaining(['tenant.created', 'token.issued']));
    expect(JSON.stringify(audit.body)).not.toContain(workload.secret);

    const db = await call<{ error: { code: string; message: string } }>('POST', '/db-auth-token', { connection: 'reader', engine: 'postgres', host: 'db.example.com', dbUser: 'app' }, workload.secret);
    expect(db.body.error.message).toBe('AWS IAM database authentication is not enabled.');
  });

  it('answers bad input with the error envelope, never a 500', async () => {
    const bad = await call<{ error: { code: string; message: string } }>('POST', '/tenants', { id: 'Not_Valid!', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toMatch(/^[a-z_]+$/);
    const template = await call<{ error: { code: string } }>('POST', '/tenants/acme/token-configs', { name: 'bad', subjectTemplate: 'x:{unknown}' });
    expect(template.status).toBe(400);
    expect(template.body.error.code).toBe('invalid_subject_template');
    const unauthenticated = await fetch(`${server}/api/v1/tenants/acme`);
    expect(unauthenticated.status).toBe(401);
    for (const path of ['/openapi.json', '/healthz', '/readyz', '/metrics']) expect((await fetch(`${server}${path}`)).status).toBe(200);
  });
});
