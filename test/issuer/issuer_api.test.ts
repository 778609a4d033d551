import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { importJWK, jwtVerify, decodeJwt, type JWK } from 'jose';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

let server: TestServer;

type Inject = { method?: 'GET' | 'POST'; headers?: Record<string, string>; payload?: unknown };
async function call(url: string, { method = 'GET', headers = {}, payload }: Inject = {}) {
  const response = await server.app.inject({
    method,
    url,
    headers: { ...headers, ...(payload !== undefined && typeof payload !== 'string' ? { 'content-type': 'application/json' } : {}) },
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
  return { status: response.statusCode, headers: response.headers, body: response.body ? (JSON.parse(response.body) as any) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const admin = (url: string, payload?: unknown) => call(`/api/v1${url}`, { method: payload === undefined ? 'GET' : 'POST', headers: server.adminHeaders, payload });
const tokenFor = (secret: string, payload: unknown = {}) =>
  call('/api/v1/token', { method: 'POST', headers: { authorization: `Bearer ${secret}` }, payload });

/** Rows in every table the issuer writes: a failed request must leave them all unchanged. */
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['tenants', 'signing_keys', 'token_configs', 'workloads', 'audit_events'] as const) {
    const row = await server.store.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

let secretA: string;
let workloadA: string;

beforeAll(async () => {
  server = await startTestServer();
  for (const id of ['tenant-a', 'tenant-b']) {
    expect((await admin('/tenants', { id, name: id })).status).toBe(201);
  }
  expect((await admin('/tenants/tenant-a/token-configs', { name: 'default', subjectTemplate: 'd:{deployment}:c:{component}:w:{workload}' })).status).toBe(201);
  expect((await admin('/tenants/tenant-b/token-configs', { name: 'only-b', subjectTemplate: 'd:{deployment}' })).status).toBe(201);
  const workload = await admin('/tenants/tenant-a/workloads', { deployment: 'prod', component: 'api' });
  expect(workload.status).toBe(201);
  secretA = workload.body.secret;
  workloadA = workload.body.id;
  expect(workload.body.subject).toBe(`d:prod:c:api:w:${workloadA}`);
});
afterAll(async () => server.close());

describe('tenants', () => {
  it.each(['ab', 'Acme', '-acme', 'acme-', 'ac_me', 'a'.repeat(64), 'acme corp', 'acme/x'])('refuses tenant id %j', async (id) => {
    const response = await admin('/tenants', { id, name: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_tenant_id');
  });

  it('ids are never reused: 409 tenant_exists', async () => {
    const response = await admin('/tenants', { id: 'tenant-a', name: 'again' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('tenant_exists');
  });

  it('an unknown tenant is 404 tenant_not_found, also for its public documents', async () => {
    expect((await admin('/tenants/nobody')).body.error.code).toBe('tenant_not_found');
    const discovery = await call('/t/nobody/.well-known/openid-configuration');
    expect(discovery.status).toBe(404);
    expect(discovery.body.error.code).toBe('tenant_not_found');
  });

  it('admin routes need the admin token', async () => {
    expect((await call('/api/v1/tenants/tenant-a')).status).toBe(401);
    const wrong = await call('/api/v1/tenants/tenant-a', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    // A workload secret is not an admin key.
    expect((await call('/api/v1/tenants/tenant-a', { headers: { authorization: `Bearer ${secretA}` } })).status).toBe(401);
  });
});

describe('token configs', () => {
  it.each([
    [{ name: 'x1', subjectTemplate: 'u:{user}' }, 'invalid_subject_template'],
    [{ name: 'x1', subjectTemplate: '{deployment}{component}' }, 'invalid_subject_template'],
    [{ name: 'x1', subjectTemplate: 'd:{deployment}', lifetimeSeconds: 59 }, 'invalid_lifetime'],
    [{ name: 'x1', subjectTemplate: 'd:{deployment}', lifetimeSeconds: 3601 }, 'invalid_lifetime'],
    [{ name: 'x1', subjectTemplate: 'd:{deployment}', claims: { sub: 'x' } }, 'reserved_claim'],
    [{ name: 'x1', subjectTemplate: 'd:{deployment}', claims: { 'https://aws.amazon.com/tags': {} } }, 'reserved_claim'],
    [{ name: 'x1', subjectTemplate: 'd:{deployment}', sessionTags: { principalTags: { 'aws:x': 'y' } } }, 'invalid_session_tags'],
    [{ name: 'x1', subjectTemplate: 'd:{deployment}', sessionTags: { principalTags: { A: 'y', a: 'z' } } }, 'invalid_session_tags'],
    [{ name: 'x1', subjectTemplate: 'd:{deployment}', sessionTags: { principalTags: { A: 'y' }, transitiveTagKeys: ['B'] } }, 'invalid_session_tags'],
    [{ name: 'X_1', subjectTemplate: 'd:{deployment}' }, 'invalid_token_config_name'],
    [{ name: 'x1', subjectTemplate: 'd:{deployment}', extra: true }, 'invalid_request'],
  ])('refuses %j with %s and writes nothing', async (body, code) => {
    const before = await rowCounts();
    const response = await admin('/tenants/tenant-a/token-configs', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect(await rowCounts()).toEqual(before);
  });

  it('names the unknown placeholder', async () => {
    const response = await admin('/tenants/tenant-a/token-configs', { name: 'x1', subjectTemplate: 'u:{user}' });
    expect(response.body.error.details.placeholder).toBe('user');
  });

  it('409 on a duplicate name; defaults are applied and returned whole', async () => {
    const created = await admin('/tenants/tenant-b/token-configs', { name: 'with-tags', subjectTemplate: 'd:{deployment}', sessionTags: { principalTags: { Team: 'x' } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'with-tags', audience: 'sts.amazonaws.com', lifetimeSeconds: 300, claims: {} });
    expect((await admin('/tenants/tenant-b/token-configs', { name: 'with-tags', subjectTemplate: 'd:{deployment}' })).body.error.code).toBe(
      'token_config_exists',
    );
    const list = await admin('/tenants/tenant-b/token-configs');
    expect(list.body.tokenConfigs.map((c: { name: string }) => c.name)).toEqual(['only-b', 'with-tags']);
  });
});

describe('workloads', () => {
  it.each(['a:b', 'a*', 'a?', 'a/b', '', 'x'.repeat(65), 'a b'])('refuses deployment %j (no injection into sub)', async (deployment) => {
    const before = await rowCounts();
    const response = await admin('/tenants/tenant-a/workloads', { deployment, component: 'api' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_attribute_value');
    expect(await rowCounts()).toEqual(before);
  });

  it('409 workload_exists for the same deployment/component/region; the secret is never listed', async () => {
    expect((await admin('/tenants/tenant-a/workloads', { deployment: 'prod', component: 'api' })).body.error.code).toBe('workload_exists');
    const list = await admin('/tenants/tenant-a/workloads');
    expect(list.body.workloads[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(list.body)).not.toContain(secretA);
  });
});

describe('POST /api/v1/token', () => {
  it('issues a token signed by the tenant key, with the workload attributes as claims', async () => {
    const response = await tokenFor(secretA);
    expect(response.status).toBe(200);
    const claims = decodeJwt(response.body.token);
    expect(claims).toMatchObject({ iss: (await admin('/tenants/tenant-a')).body.issuer, tenant_id: 'tenant-a', workload_id: workloadA, deployment: 'prod', component: 'api' });
    expect(claims.nbf).toBe(claims.iat);
    expect(new Date(response.body.expiresAt).getTime()).toBe(claims.exp! * 1000);
  });

  it('accepts a POST without any body (curl -X POST) as the defaults', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/token', headers: { authorization: `Bearer ${secretA}` } });
    expect(response.statusCode).toBe(200);
    expect(decodeJwt(JSON.parse(response.body).token).workload_id).toBe(workloadA);
  });

  it('a workload of tenant A can never obtain a token of tenant B', async () => {
    // Naming B's token config finds nothing: the lookup is scoped to the workload's own tenant.
    const named = await tokenFor(secretA, { tokenConfig: 'only-b' });
    expect(named.status).toBe(404);
    expect(named.body.error.code).toBe('token_config_not_found');
    // And A's token does not verify under B's keys.
    const token = (await tokenFor(secretA)).body.token as string;
    const jwksB = (await call('/t/tenant-b/.well-known/jwks.json')).body.keys as JWK[];
    for (const jwk of jwksB) {
      await expect(jwtVerify(token, await importJWK(jwk, 'ES256'))).rejects.toThrow();
    }
    expect(decodeJwt(token).iss).toMatch(/\/t\/tenant-a$/);
  });

  it.each([
    [{ headers: {} }, 401, 'unauthenticated'],
    [{ headers: { authorization: 'Bearer rbw_wrong' } }, 401, 'invalid_credentials'],
    [{ headers: { authorization: 'Basic abc' } }, 401, 'unauthenticated'],
  ])('refuses bad credentials %j', async ({ headers }, status, code) => {
    const response = await call('/api/v1/token', { method: 'POST', headers, payload: {} });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });

  it('refuses a wrong content type, an oversized body, bad JSON, unknown fields and a foreign audience', async () => {
    const auth = { authorization: `Bearer ${secretA}` };
    const text = await server.app.inject({ method: 'POST', url: '/api/v1/token', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'x' });
    expect(text.statusCode).toBe(415);
    expect(JSON.parse(text.body).error.code).toBe('unsupported_media_type');
    const big = await server.app.inject({
      method: 'POST',
      url: '/api/v1/token',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ tokenConfig: 'x'.repeat(300_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('payload_too_large');
    expect((await call('/api/v1/token', { method: 'POST', headers: auth, payload: '{"a":' })).status).toBe(415);
    const badJson = await server.app.inject({ method: 'POST', url: '/api/v1/token', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"a":' });
    expect(JSON.parse(badJson.body).error.code).toBe('invalid_json');
    expect((await tokenFor(secretA, { nope: 1 })).body.error.code).toBe('invalid_request');
    expect((await tokenFor(secretA, { audience: 'someone-else' })).body.error.code).toBe('audience_not_allowed');
  });

  it('records token.issued audit events with the jti, never the token; counts tokens per tenant', async () => {
    const token = (await tokenFor(secretA)).body.token as string;
    const { jti } = decodeJwt(token);
    const audit = await admin('/tenants/tenant-a/audit?action=token.issued&limit=1000');
    const event = audit.body.events.find((e: { details: { jti: string } }) => e.details.jti === jti);
    expect(event).toMatchObject({ actor: `workload:${workloadA}`, target: workloadA, details: { aud: 'sts.amazonaws.com', workload: workloadA } });
    expect(JSON.stringify(audit.body)).not.toContain(token.split('.')[2]);
    const metrics = await server.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/rolebridge_tokens_issued_total\{tenant="tenant-a"\} \d+/);
    expect(metrics.body).toMatch(/rolebridge_signing_key_age_seconds\{tenant="tenant-a",kid="[^"]+",state="active"\}/);
    const logs = JSON.stringify(server.logs);
    expect(logs).not.toContain(secretA);
    expect(logs).not.toContain(token);
  });
});

describe('discovery and JWKS', () => {
  it('are byte-exact, cacheable, and answer If-None-Match with 304', async () => {
    const issuer = (await admin('/tenants/tenant-a')).body.issuer as string;
    const path = new URL(issuer).pathname;
    const discovery = await server.app.inject({ url: `${path}/.well-known/openid-configuration` });
    expect(discovery.statusCode).toBe(200);
    const doc = JSON.parse(discovery.body);
    expect(doc).toEqual({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: expect.arrayContaining(['sub', 'aud', 'tenant_id', 'workload_id']),
      scopes_supported: ['openid'],
    });
    expect(discovery.headers['cache-control']).toBe('public, max-age=300');
    const jwks = await server.app.inject({ url: `${path}/.well-known/jwks.json` });
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    const etag = jwks.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await server.app.inject({ url: `${path}/.well-known/jwks.json`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const keys = JSON.parse(jwks.body).keys as Array<Record<string, string>>;
    expect(keys).toHaveLength(2); // active + pre-published next
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('a manual rotation waits until the next key has been published for one JWKS cache lifetime', async () => {
    const before = await rowCounts();
    const response = await admin('/tenants/tenant-a/keys/rotate', {});
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('rotation_not_ready');
    expect(response.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(await rowCounts()).toEqual(before);
    const keys = await admin('/tenants/tenant-a/keys');
    expect(keys.body.keys.map((k: { state: string }) => k.state)).toEqual(['active', 'next']);
  });
});

describe('fuzzed bad input', () => {
  const arbitraryJson = fc.oneof(
    fc.jsonValue(),
    fc.record({ id: fc.string(), name: fc.string() }, { requiredKeys: [] }),
    fc.record({ name: fc.string(), subjectTemplate: fc.string(), lifetimeSeconds: fc.integer(), claims: fc.dictionary(fc.string(), fc.jsonValue()) }, { requiredKeys: [] }),
    fc.record({ deployment: fc.string(), component: fc.string(), region: fc.option(fc.string()) }, { requiredKeys: [] }),
  );

  it('every rejected admin request is a 4xx with a snake_case code and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/tenants', '/tenants/tenant-b/token-configs', '/tenants/tenant-b/workloads'), arbitraryJson, async (url, body) => {
        const before = await rowCounts();
        const response = await admin(url, body);
        if (response.status === 201) return; // a valid random input: created, fine
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.body.error.code).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(await rowCounts()).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it('garbage bearer secrets and bodies on the token endpoint are 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.jsonValue(), async (secret, body) => {
        const response = await server.app.inject({
          method: 'POST',
          url: '/api/v1/token',
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(JSON.parse(response.body).error.code).toMatch(/^[a-z][a-z0-9_]*$/);
      }),
      { numRuns: 150 },
    );
  });
});
