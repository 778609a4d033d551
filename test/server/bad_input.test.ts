import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasesUnderTest } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

/** Bad input that reached the database or a recursive walk: a 4xx with the envelope on both databases. */
const NESTED = '\u0001nested\u0001';
/** Stands in for JSON nested `depth` levels deep; spliced in as text (building and serialising it would overflow first). */
function nested(depth: number): string {
  return `${NESTED}${depth}${NESTED}`;
}
function toJson(payload: unknown): string {
  return JSON.stringify(payload).replace(/"\\u0001nested\\u0001(\d+)\\u0001nested\\u0001"/g, (_all, depth: string) =>
    `${'{"a":'.repeat(Number(depth))}{}${'}'.repeat(Number(depth))}`,
  );
}

describe.each(databasesUnderTest())('bad input on $dialect', ({ newUrl }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ databaseUrl: await newUrl(), driftWatchIntervalSeconds: 0 });
    const created = await server.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: server.adminHeaders, payload: { id: 'acme', name: 'Acme' } });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => server.close());

  function expectEnvelope(response: { statusCode: number; body: string }, statuses: number[]): void {
    expect(statuses, `${response.statusCode} ${response.body.slice(0, 200)}`).toContain(response.statusCode);
    expect((JSON.parse(response.body) as { error: { code: string } }).error.code).toMatch(/^[a-z][a-z0-9_]*$/);
  }

  it.each([
    '/t/%00/.well-known/jwks.json',
    '/t/%00/.well-known/openid-configuration',
    '/t/ac%00me/.well-known/jwks.json',
    `/t/${'a'.repeat(1500)}/.well-known/jwks.json`,
    `/t/${'a'.repeat(3000)}/.well-known/jwks.json`,
    '/t/%E0%A4%A/.well-known/jwks.json',
  ])('the public issuer answers %#. with 400/404/414 and the envelope, not 500', async (url) => {
    expectEnvelope(await server.app.inject({ method: 'GET', url }), [400, 404, 414]);
  });

  it.each([
    ['GET', '/api/v1/tenants/%00', undefined],
    ['GET', '/api/v1/tenants/acme/connections/a%00b', undefined],
    ['GET', '/api/v1/tenants/acme/audit?action=%00', undefined],
    ['POST', '/api/v1/tenants', { id: 'ab\u0000cd', name: 'x' }],
    ['POST', '/api/v1/tenants', { id: 'nul-name', name: 'Nul\u0000Name' }],
    ['POST', '/api/v1/tenants/acme/token-configs', { name: 'n', subjectTemplate: 'd:{deployment}\u0000' }],
    ['POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod\u0000', component: 'api' }],
    ['POST', '/api/v1/tenants/acme/connections', { name: 'c', roleArn: 'arn:aws:iam::123456789012:role/x\u0000', region: 'us-east-1', tokenConfig: 'default', verify: false }],
  ] as const)('an admin request with a NUL byte: %s %s answers 400/404', async (method, url, payload) => {
    const response = await server.app.inject({ method, url, headers: server.adminHeaders, ...(payload ? { payload } : {}) });
    expectEnvelope(response, [400, 404]);
  });

  it.each([
    ['/api/v1/policy/simulate', { policy: nested(5000), claims: { sub: 'x' } }],
    ['/api/v1/policy/simulate', { policy: { Version: '2012-10-17', Statement: [] }, claims: nested(5000) }],
    ['/api/v1/policy/lint', { policy: nested(3000) }],
    ['/api/v1/tenants/acme/token-configs', { name: 'deep', subjectTemplate: 'd:{deployment}', claims: nested(5000) }],
    ['/api/v1/tenants/acme/token-configs', { name: 'deep', subjectTemplate: 'd:{deployment}', sessionTags: nested(5000) }],
  ])('JSON nested thousands of levels deep in %s (case %#) is a clear 400', async (url, payload) => {
    const body = toJson(payload);
    expect(body.length).toBeGreaterThan(10_000);
    const response = await server.app.inject({ method: 'POST', url, headers: { ...server.adminHeaders, 'content-type': 'application/json' }, payload: body });
    expectEnvelope(response, [400]);
    expect(response.json()).toMatchObject({ error: { code: 'json_too_deep' } });
  });

  it('keeps accepting ordinary nesting (a policy document with conditions)', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/policy/lint',
      headers: server.adminHeaders,
      payload: {
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Federated: 'x' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'a:aud': ['b'] } } }],
        },
      },
    });
    expect(response.statusCode).toBe(200);
  });
});
