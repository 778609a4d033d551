import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

describe('POST /tenants/{t}/workloads/{id}/disable', () => {
  let server: TestServer;
  const call = async <T>(method: string, path: string, body?: unknown, authorization = server.adminHeaders.authorization): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    server = await startTestServer();
    await call('POST', '/tenants', { id: 'acme', name: 'Acme' });
    await call('POST', '/tenants/acme/token-configs', { name: 'default', subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('stops the secret at once, keeps the workload listed as disabled, and audits it once', async () => {
    const created = await call<{ id: string; secret: string; disabledAt: string | null }>('POST', '/tenants/acme/workloads', { deployment: 'prod', component: 'etl' });
    expect(created.body.disabledAt).toBeNull();
    const bearer = `Bearer ${created.body.secret}`;
    expect((await call('POST', '/token', {}, bearer)).status).toBe(200); // warms the authenticator's cache too

    const disabled = await call<{ id: string; disabledAt: string }>('POST', `/tenants/acme/workloads/${created.body.id}/disable`, {});
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: created.body.id, disabledAt: expect.any(String) });
    expect(await call('POST', '/token', {}, bearer)).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
    expect((await call('GET', '/credentials/anything', undefined, bearer)).status).toBe(401);

    const again = await call<{ disabledAt: string }>('POST', `/tenants/acme/workloads/${created.body.id}/disable`, {});
    expect(again).toMatchObject({ status: 200, body: { disabledAt: disabled.body.disabledAt } });
    const listed = await call<{ workloads: Array<{ id: string; disabledAt: string | null }> }>('GET', '/tenants/acme/workloads');
    expect(listed.body.workloads).toContainEqual(expect.objectContaining({ id: created.body.id, disabledAt: disabled.body.disabledAt }));
    const audit = await call<{ events: Array<{ target: string }> }>('GET', '/tenants/acme/audit?action=workload.disabled');
    expect(audit.body.events.map((event) => event.target)).toEqual([created.body.id]);
  });

  it('answers 404 for an unknown workload and 403 for a viewer key', async () => {
    expect(await call('POST', '/tenants/acme/workloads/wl_nope/disable', {})).toMatchObject({ status: 404, body: { error: { code: 'workload_not_found' } } });
    const viewer = await call<{ token: string }>('POST', '/api-keys', { name: 'reader', role: 'viewer' });
    const other = await call<{ id: string }>('POST', '/tenants/acme/workloads', { deployment: 'prod', component: 'api' });
    expect((await call('POST', `/tenants/acme/workloads/${other.body.id}/disable`, {}, `Bearer ${viewer.body.token}`)).status).toBe(403);
  });
});
