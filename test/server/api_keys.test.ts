import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

interface IssuedKey {
  id: string;
  token: string;
  role: string;
  tenant: string | null;
}

describe('admin API keys and roles', () => {
  let server: TestServer;
  const call = async <T = { error: { code: string } }>(method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    server = await startTestServer();
    expect((await call('POST', '/tenants', TEST_ADMIN_TOKEN, { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await call('POST', '/tenants', TEST_ADMIN_TOKEN, { id: 'globex', name: 'Globex' })).status).toBe(201);
  });
  afterAll(() => server.close());

  it('issues a viewer key that may read but not change (403 forbidden)', async () => {
    const issued = await call<IssuedKey>('POST', '/api-keys', TEST_ADMIN_TOKEN, { name: 'dashboards', role: 'viewer' });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^rb_view_/);
    expect((await call('GET', '/tenants/acme', issued.body.token)).status).toBe(200);
    const write = await call('POST', '/tenants/acme/workloads', issued.body.token, { deployment: 'x', component: 'y' });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('forbidden');
    expect((await call('POST', '/api-keys', issued.body.token, { name: 'escalate', role: 'admin' })).status).toBe(403);
  });

  it('limits a tenant key to its tenant (403 tenant_forbidden) and keeps it out of key management', async () => {
    const issued = await call<IssuedKey>('POST', '/api-keys', TEST_ADMIN_TOKEN, { name: 'acme ops', role: 'admin', tenant: 'acme' });
    expect(issued.body.tenant).toBe('acme');
    expect((await call('POST', '/tenants/acme/workloads', issued.body.token, { deployment: 'd', component: 'c' })).status).toBe(201);
    const other = await call('GET', '/tenants/globex', issued.body.token);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('tenant_forbidden');
    expect((await call('POST', '/api-keys', issued.body.token, { name: 'x', role: 'admin' })).status).toBe(403);
    expect((await call('POST', '/tenants', issued.body.token, { id: 'initech', name: 'Initech' })).status).toBe(403);
  });

  it('lists keys without their secrets, revokes at once, and keeps the last global admin key', async () => {
    const issued = await call<IssuedKey>('POST', '/api-keys', TEST_ADMIN_TOKEN, { name: 'ci', role: 'admin' });
    const listed = await call<{ apiKeys: Array<{ id: string }> }>('GET', '/api-keys', TEST_ADMIN_TOKEN);
    expect(listed.body.apiKeys.map((key) => key.id)).toContain(issued.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.token);
    expect((await call('GET', '/tenants/acme', issued.body.token)).status).toBe(200);

    const revoked = await call<{ revokedAt: string }>('DELETE', `/api-keys/${issued.body.id}`, TEST_ADMIN_TOKEN);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await call('GET', '/tenants/acme', issued.body.token);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_credentials');

    const bootstrap = listed.body.apiKeys.find((key) => key.id.startsWith('key-bootstrap-'))!;
    const last = await call('DELETE', `/api-keys/${bootstrap.id}`, TEST_ADMIN_TOKEN);
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_admin_key');
    expect((await call('DELETE', '/api-keys/key-nope', TEST_ADMIN_TOKEN)).status).toBe(404);

    const audit = await call<{ events: Array<{ action: string }> }>('GET', '/tenants/acme/audit', TEST_ADMIN_TOKEN);
    expect(audit.body.events.map((event) => event.action)).toContain('api_key.created');
    expect(JSON.stringify(server.logs)).not.toContain(issued.body.token);
  });
});
