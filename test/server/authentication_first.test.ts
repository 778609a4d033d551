import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

/**
 * Authentication comes before validation on every route the OpenAPI document says needs a credential: a request
 * without one, or with a wrong one, gets 401 whatever its path parameters and body, never a 400 that describes
 * the schema to someone who may not call the route.
 */
interface Operation {
  method: string;
  path: string;
  schemes: string[];
}

let server: TestServer;
const operations: Operation[] = [];

beforeAll(async () => {
  server = await startTestServer({ features: { awsDatabaseIamAuth: true } });
  const spec = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
  };
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const security = operation.security ?? [];
      if (security.length === 0 || security.some((entry) => Object.keys(entry).length === 0)) continue;
      operations.push({ method: method.toUpperCase(), path, schemes: security.flatMap((entry) => Object.keys(entry)) });
    }
  }
});
afterAll(async () => server.close());

/** Path parameters that fail their schema (too long, wrong characters, a NUL byte). */
function badUrl(path: string): string {
  return path.replace(/\{[^}]+\}/g, `${'X'.repeat(300)}%00`) + '?limit=not-a-number&format=%00';
}

const JWT_SHAPED = [{ alg: 'RS256', kid: 'k' }, { iss: 'https://idp.example.com', sub: 'u' }]
  .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
  .concat('c2lnbmF0dXJl')
  .join('.');

const BODIES: Array<{ name: string; payload: string; contentType: string }> = [
  { name: 'a body that fails the schema', payload: JSON.stringify({ unexpected: [1, 2, 3], name: 5 }), contentType: 'application/json' },
  { name: 'malformed JSON', payload: '{"name": ', contentType: 'application/json' },
  { name: 'an unsupported content type', payload: 'name=x', contentType: 'application/x-www-form-urlencoded' },
];

describe('authentication before validation', () => {
  it('finds the operations to check', () => {
    expect(operations.length).toBeGreaterThan(20);
  });

  for (const credential of [
    { name: 'no credential', headers: {} as Record<string, string> },
    { name: 'a wrong bearer', headers: { authorization: 'Bearer not-a-real-credential' } },
    { name: 'a wrong set-up session', headers: { authorization: 'Bearer rbss_not-a-real-session' } },
    { name: 'an unknown session cookie', headers: { cookie: 'rolebridge_session=rb_session_not-a-real-session' } },
    // Shaped like an IdP token; this server has no IdP, so it is refused (401 invalid_token), not read.
    { name: 'a JWT no IdP vouches for', headers: { authorization: `Bearer ${JWT_SHAPED}` } },
  ]) {
    for (const body of BODIES) {
      it(`answers 401 to ${credential.name} with ${body.name}, on every authenticated operation`, async () => {
        const wrong: string[] = [];
        for (const operation of operations) {
          const hasBody = !['GET', 'HEAD', 'DELETE'].includes(operation.method);
          const response = await server.app.inject({
            method: operation.method as 'GET',
            url: badUrl(operation.path),
            headers: { ...credential.headers, ...(hasBody ? { 'content-type': body.contentType } : {}) },
            ...(hasBody ? { payload: body.payload } : {}),
          });
          const envelope = response.json() as { error?: { code?: string } };
          if (response.statusCode !== 401 || typeof envelope.error?.code !== 'string') {
            wrong.push(`${operation.method} ${operation.path} → ${response.statusCode} ${response.body.slice(0, 120)}`);
          }
        }
        expect(wrong).toEqual([]);
      });
    }
  }
});

describe('authorization before validation, for a console session', () => {
  /** A signed-in user's cookies, as the IdP callback would set them. */
  async function sessionCookies(role: 'viewer' | 'admin'): Promise<{ cookie: string; csrf: string }> {
    const session = await server.deps.sessions.create({ sub: `user-${role}`, issuer: 'https://idp.example.com', grants: [{ role }], context: undefined }, Date.now());
    return { cookie: `rolebridge_session=${session.token}; rolebridge_csrf=${session.csrf}`, csrf: session.csrf };
  }

  const INVALID_TENANT = JSON.stringify({ id: 'X', name: 5, unexpected: true });

  it('refuses a viewer 403 before reading a body that fails the schema', async () => {
    const { cookie, csrf } = await sessionCookies('viewer');
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      payload: INVALID_TENANT,
    });
    expect(response.statusCode).toBe(403);
    expect((response.json() as { error: { code: string } }).error.code).not.toBe('validation_failed');
  });

  it('refuses a change without the CSRF header 403 csrf_failed before reading the body', async () => {
    const { cookie } = await sessionCookies('admin');
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { cookie, 'content-type': 'application/json' },
      payload: INVALID_TENANT,
    });
    expect(response.statusCode).toBe(403);
    expect((response.json() as { error: { code: string } }).error.code).toBe('csrf_failed');
  });

  it('validates the body once the session may make the change', async () => {
    const { cookie, csrf } = await sessionCookies('admin');
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      payload: INVALID_TENANT,
    });
    expect(response.statusCode).toBe(400);
  });
});
