import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres_cluster.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

/**
 * Two replicas (two server runtimes in this process, each with its own pool, caches and change feed) on one
 * PostgreSQL database: a change made through one holds on the other within 2 s, and key changes have one writer.
 */
const postgresUrl = inject('postgresUrl');
const CLUSTER_DEADLINE_MS = 2000;

interface Jwks {
  keys: Array<{ kid: string }>;
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as { kid: string }).kid;
}

/** Polls `probe` until it holds; answers how long that took (the assertion on the bound is the caller's). */
async function until(probe: () => Promise<boolean>, limitMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`condition not reached within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!postgresUrl)('replicas on one PostgreSQL (in process)', () => {
  let a: TestServer;
  let b: TestServer;
  let workloadSecret: string;

  const call = async <T = { error: { code: string } }>(server: TestServer, method: string, path: string, body?: unknown, token = TEST_ADMIN_TOKEN) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T, etag: response.headers.get('etag') };
  };
  const jwks = (server: TestServer, tenant: string) => call<Jwks>(server, 'GET', `/t/${tenant}/.well-known/jwks.json`);
  const token = async (server: TestServer, body: Record<string, unknown> = {}) =>
    call<{ token: string }>(server, 'POST', '/api/v1/token', body, workloadSecret);
  const keys = async (tenant: string) =>
    (await call<{ keys: Array<{ kid: string; state: string }> }>(a, 'GET', `/api/v1/tenants/${tenant}/keys`)).body.keys;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase(postgresUrl, `replicas_${randomBytes(4).toString('hex')}`);
    // One issuer URL for both, as behind a load balancer; a JWKS cache lifetime of 0 lets a next key sign at once.
    const shared = { databaseUrl, issuerTemplate: 'http://127.0.0.1:1/t/{tenant}', jwksMaxAgeSeconds: 0 };
    a = await startTestServer(shared);
    b = await startTestServer(shared);
    expect((await call(a, 'POST', '/api/v1/tenants', { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await call(a, 'POST', '/api/v1/tenants/acme/token-configs', { name: 'default', subjectTemplate: 'app:{deployment}' })).status).toBe(201);
    const workload = await call<{ secret: string }>(a, 'POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'api' });
    workloadSecret = workload.body.secret;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('revoking the signing key through one replica stops the other publishing and signing it within 2 s', async () => {
    // Warm the other replica: it holds the keys, the JWKS and the workload in memory.
    const before = await token(b);
    expect(before.status).toBe(200);
    const signing = kidOf(before.body.token);
    expect((await jwks(b, 'acme')).body.keys.map((k) => k.kid)).toContain(signing);

    expect((await call(a, 'POST', `/api/v1/tenants/acme/keys/${signing}/revoke`)).status).toBe(200);
    const elapsed = await until(async () => !(await jwks(b, 'acme')).body.keys.some((k) => k.kid === signing));
    expect(elapsed).toBeLessThan(CLUSTER_DEADLINE_MS);
    const after = await token(b);
    expect(after.status).toBe(200);
    expect(kidOf(after.body.token)).not.toBe(signing);
    // Both replicas now answer the same bytes for the same key state.
    const [fromA, fromB] = await Promise.all([jwks(a, 'acme'), jwks(b, 'acme')]);
    expect(fromB.etag).toBe(fromA.etag);
    expect(fromB.body).toEqual(fromA.body);
  });

  it('two rotations at once through two replicas leave exactly one next key (five rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([call(a, 'POST', '/api/v1/tenants/acme/keys/rotate'), call(b, 'POST', '/api/v1/tenants/acme/keys/rotate')]);
      for (const result of results) expect([200, 409]).toContain(result.status);
      const states = (await keys('acme')).map((k) => k.state);
      expect(states.filter((state) => state === 'next')).toHaveLength(1);
      expect(states.filter((state) => state === 'active')).toHaveLength(1);
    }
    // The replica that did not write last signs with the key the database says is active, within 2 s.
    const active = (await keys('acme')).find((k) => k.state === 'active')?.kid;
    for (const server of [a, b]) {
      const elapsed = await until(async () => kidOf((await token(server)).body.token) === active);
      expect(elapsed).toBeLessThan(CLUSTER_DEADLINE_MS);
    }
  });

  it('an API key revoked through one replica is refused by the other within 2 s', async () => {
    const issued = await call<{ id: string; token: string }>(a, 'POST', '/api/v1/api-keys', { name: 'ci', role: 'admin' });
    expect((await call(b, 'GET', '/api/v1/tenants/acme', undefined, issued.body.token)).status).toBe(200); // cached on b now
    expect((await call(a, 'DELETE', `/api/v1/api-keys/${issued.body.id}`)).status).toBe(200);
    const elapsed = await until(async () => (await call(b, 'GET', '/api/v1/tenants/acme', undefined, issued.body.token)).status === 401);
    expect(elapsed).toBeLessThan(CLUSTER_DEADLINE_MS);
  });

  it('a token config created through one replica is usable on the other within 2 s', async () => {
    expect((await token(b, { tokenConfig: 'aws' })).status).toBe(404); // b has the tenant's configs cached without it
    expect((await call(a, 'POST', '/api/v1/tenants/acme/token-configs', { name: 'aws', subjectTemplate: 'aws:{deployment}:{component}' })).status).toBe(201);
    const elapsed = await until(async () => (await token(b, { tokenConfig: 'aws' })).status === 200);
    expect(elapsed).toBeLessThan(CLUSTER_DEADLINE_MS);
  });

  it('a set-up code is exchanged once across the cluster', async () => {
    const issued = await call<{ code: string }>(a, 'POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'default' });
    expect(issued.status).toBe(201);
    const exchanges = await Promise.all([a, b, a, b].map((server) => call(server, 'POST', '/api/v1/setup-sessions', {}, issued.body.code)));
    expect(exchanges.map((e) => e.status).sort()).toEqual([200, 401, 401, 401]);
  });
});
