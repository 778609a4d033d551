import { DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';
import { ADMIN } from '../emulator/emulator_clients.js';
import { httpCall } from './issuer_client.js';

/**
 * ROLEBRIDGE_KEY_CUSTODY=kms against the emulator's KMS: keys made and tagged in KMS, tokens signed by KMS Sign
 * and verified by independent verifiers (PyJWT, jose) through the JWKS, rotation and revocation disabling and
 * scheduling deletion in KMS, a key disabled outside rolebridge, throttling retried, and a mixed cluster.
 */
const run = promisify(execFile);
const PYJWT_SCRIPT = fileURLToPath(new URL('./pyjwt_verify.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

let emulator: RunningEmulator;

interface KmsKeyState {
  keyState: string;
  keySpec: string;
  tags: Array<{ TagKey: string; TagValue: string }>;
}

function kmsKeys(): Record<string, KmsKeyState & { arn: string }> {
  const keys = (emulator.state() as unknown as { kms?: { keys: Record<string, KmsKeyState & { arn: string }> } }).kms?.keys ?? {};
  return Object.fromEntries(Object.values(keys).map((k) => [k.arn, k]));
}

async function startKmsServer(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  return startTestServer({
    jwksMaxAgeSeconds: 0,
    keyCustody: 'kms',
    kmsRegion: 'us-east-1',
    ...overrides,
    runtime: { kms: { endpoint: emulator.url, credentials: ADMIN, retry: FAST_RETRY } },
  });
}

function client(server: TestServer) {
  const admin = (path: string, body?: unknown) =>
    httpCall(`${server.url}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...server.adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const setUpTenant = async (id: string, algorithm: 'ES256' | 'RS256'): Promise<{ issuer: string; secret: string }> => {
    const tenant = await admin('/tenants', { id, name: id, signingAlgorithm: algorithm });
    expect(tenant.status, tenant.text).toBe(201);
    expect((await admin(`/tenants/${id}/token-configs`, { name: 'default', subjectTemplate: 'deployment:{deployment}:component:{component}' })).status).toBe(201);
    const workload = await admin(`/tenants/${id}/workloads`, { deployment: 'prod', component: 'api' });
    return { issuer: tenant.json().issuer as string, secret: workload.json().secret as string };
  };
  const token = (secret: string) =>
    httpCall(`${server.url}/api/v1/token`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{}' });
  return { admin, setUpTenant, token };
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.close();
});

describe.each(['ES256', 'RS256'] as const)('KMS custody, %s', (algorithm) => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let tenant: { issuer: string; secret: string };
  const tenantId = `kms-${algorithm.toLowerCase()}`;

  beforeAll(async () => {
    server = await startKmsServer();
    api = client(server);
    tenant = await api.setUpTenant(tenantId, algorithm);
  });
  afterAll(async () => server.close());

  it('creates the tenant keys in KMS with the right spec, tagged with tenant and kid; the kid is the JWK thumbprint', async () => {
    const keys = (await api.admin(`/tenants/${tenantId}/keys`)).json().keys as Array<{ kid: string; custody: string; kmsKeyArn: string }>;
    expect(keys).toHaveLength(2);
    const jwks = (await (await fetch(`${tenant.issuer}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    for (const key of keys) {
      expect(key.custody).toBe('kms');
      const inKms = kmsKeys()[key.kmsKeyArn];
      expect(inKms?.keySpec).toBe(algorithm === 'ES256' ? 'ECC_NIST_P256' : 'RSA_2048');
      expect(inKms?.tags).toEqual(expect.arrayContaining([{ TagKey: 'rolebridge:tenant', TagValue: tenantId }, { TagKey: 'rolebridge:kid', TagValue: key.kid }]));
      const published = jwks.keys.find((k) => k.kid === key.kid) as JWK;
      expect(await calculateJwkThumbprint(published, 'sha256')).toBe(key.kid);
    }
  });

  it('signs tokens with KMS that PyJWT and jose verify through discovery and the JWKS', async () => {
    const response = await api.token(tenant.secret);
    expect(response.status, response.text).toBe(200);
    const jwt = response.json().token as string;
    expect(decodeProtectedHeader(jwt).alg).toBe(algorithm);
    const { stdout } = await run(PYTHON, [PYJWT_SCRIPT, tenant.issuer, 'sts.amazonaws.com', jwt], { env: { ...process.env, no_proxy: '*' }, timeout: 20_000 });
    expect((JSON.parse(stdout) as { claims: Array<Record<string, unknown>> }).claims[0]).toMatchObject({ iss: tenant.issuer, sub: 'deployment:prod:component:api' });
    const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${tenant.issuer}/.well-known/jwks.json`)), { issuer: tenant.issuer, audience: 'sts.amazonaws.com' });
    expect(payload.tenant_id).toBe(tenantId);
    const signs = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<{ eventName: string; requestParameters: { keyId?: string } | null }>;
    const activeArn = ((await api.admin(`/tenants/${tenantId}/keys`)).json().keys as Array<{ state: string; kmsKeyArn: string }>).find((k) => k.state === 'active')?.kmsKeyArn;
    expect(signs.some((e) => e.eventName === 'Sign' && e.requestParameters?.keyId === activeArn)).toBe(true);
  });

  it('rotation disables the retired key in KMS; revocation disables it and schedules its deletion', async () => {
    const before = (await api.admin(`/tenants/${tenantId}/keys`)).json().keys as Array<{ kid: string; state: string; kmsKeyArn: string }>;
    const oldActive = before.find((k) => k.state === 'active')!;
    expect((await api.admin(`/tenants/${tenantId}/keys/rotate`, {})).status).toBe(200);
    expect(kmsKeys()[oldActive.kmsKeyArn]?.keyState).toBe('Disabled');
    const rotated = await api.token(tenant.secret);
    expect(rotated.status).toBe(200);
    const active = ((await api.admin(`/tenants/${tenantId}/keys`)).json().keys as Array<{ kid: string; state: string; kmsKeyArn: string }>).find((k) => k.state === 'active')!;
    expect(decodeProtectedHeader(rotated.json().token as string).kid).toBe(active.kid);

    expect((await api.admin(`/tenants/${tenantId}/keys/${active.kid}/revoke`, {})).status).toBe(200);
    expect(kmsKeys()[active.kmsKeyArn]?.keyState).toBe('PendingDeletion');
    expect((await api.token(tenant.secret)).status).toBe(200);
  });
});

describe('KMS custody when KMS refuses', () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let tenant: { issuer: string; secret: string };
  const kms = () => new KMSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1 });

  beforeAll(async () => {
    server = await startKmsServer();
    api = client(server);
    tenant = await api.setUpTenant('fragile', 'ES256');
    await api.setUpTenant('healthy', 'ES256');
  });
  afterAll(async () => server.close());

  it('a key disabled outside rolebridge: 503 signing_key_disabled naming tenant and kid, /readyz names the tenant, re-enabling heals', async () => {
    const active = ((await api.admin('/tenants/fragile/keys')).json().keys as Array<{ kid: string; state: string; kmsKeyArn: string }>).find((k) => k.state === 'active')!;
    await kms().send(new DisableKeyCommand({ KeyId: active.kmsKeyArn }));
    const refused = await api.token(tenant.secret);
    expect(refused.status).toBe(503);
    expect(refused.json().error).toMatchObject({ code: 'signing_key_disabled', details: { tenantId: 'fragile', kid: active.kid } });
    expect(refused.json().error.message).toContain('fragile');

    const ready = await fetch(`${server.url}/readyz`);
    const body = (await ready.json()) as { checks: Array<{ name: string; degraded?: boolean; detail?: { failingTenants?: unknown[] } }> };
    const custody = body.checks.find((c) => c.name === 'key_custody');
    expect(custody).toMatchObject({ degraded: true, detail: { custody: 'kms', failingTenants: [{ tenant: 'fragile', kid: active.kid, code: 'signing_key_disabled' }] } });

    await kms().send(new EnableKeyCommand({ KeyId: active.kmsKeyArn }));
    expect((await api.token(tenant.secret)).status).toBe(200);
    const healed = (await (await fetch(`${server.url}/readyz`)).json()) as { checks: Array<{ name: string; detail?: { failingTenants?: unknown[] } }> };
    expect(healed.checks.find((c) => c.name === 'key_custody')?.detail?.failingTenants).toEqual([]);
  });

  it('throttled Sign calls are retried with backoff, then answered 503 kms_throttled', async () => {
    const countSigns = async () =>
      ((await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<{ eventName: string; errorCode?: string }>).filter(
        (e) => e.eventName === 'Sign' && e.errorCode === 'Throttling',
      ).length;
    const before = await countSigns();
    await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'Sign', error: 'Throttling' }) });
    try {
      const refused = await api.token(tenant.secret);
      expect(refused.status).toBe(503);
      expect(refused.json().error.code).toBe('kms_throttled');
      expect((await countSigns()) - before).toBe(FAST_RETRY.attempts);
    } finally {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    }
    expect((await api.token(tenant.secret)).status).toBe(200);
  });
});

describe('a mixed cluster: moving a tenant from local keys to KMS is a rotation', () => {
  it('local tenants keep signing locally under custody kms, and two rotations leave a tenant signing with KMS', async () => {
    const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'rolebridge-mixed-')), 'db.sqlite')}`;
    const local = await startTestServer({ databaseUrl, jwksMaxAgeSeconds: 0 });
    const legacy = await client(local).setUpTenant('legacy', 'ES256');
    await local.close();

    const server = await startKmsServer({ databaseUrl });
    try {
      const api = client(server);
      const fresh = await api.setUpTenant('fresh', 'ES256');
      expect((await api.token(fresh.secret)).status).toBe(200);
      const first = await api.token(legacy.secret);
      expect(first.status).toBe(200);
      const keysOf = async () => (await api.admin('/tenants/legacy/keys')).json().keys as Array<{ kid: string; state: string; custody: string }>;
      expect((await keysOf()).map((k) => k.custody)).toEqual(['local', 'local']);
      await api.admin('/tenants/legacy/keys/rotate', {});
      expect((await keysOf()).find((k) => k.state === 'active')?.custody).toBe('local'); // the pre-published local key
      await api.admin('/tenants/legacy/keys/rotate', {});
      const active = (await keysOf()).find((k) => k.state === 'active')!;
      expect(active.custody).toBe('kms');
      const signed = await api.token(legacy.secret);
      expect(decodeProtectedHeader(signed.json().token as string).kid).toBe(active.kid);
      // The issuer follows this server's port (the default template), so read it again.
      const issuer = (await api.admin('/tenants/legacy')).json().issuer as string;
      const { payload } = await jwtVerify(signed.json().token as string, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), { issuer });
      expect(payload.tenant_id).toBe('legacy');
    } finally {
      await server.close();
    }
  });
});
