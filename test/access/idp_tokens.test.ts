import { generateKeyPair, SignJWT, exportSPKI, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, tokensFromIdp, NAMESPACE, CONSOLE_CLIENT_ID, type TestIdp } from '../helpers/test_idp.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

// Operators sign in with the platform's IdP: panva's oidc-provider issues Cognito-shaped tokens (the seed's
// namespaced JSON-string claim, cognito:groups, access tokens with client_id and token_use) through the real
// authorization-code flow, and rolebridge verifies them against the IdP's real discovery and JWKS.

interface Answer {
  status: number;
  json: { error?: { code: string; message: string; details?: { reason?: string } } } & Record<string, unknown>;
  text: string;
}

async function call(server: TestServer, method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Answer['json'], text };
}

const connection = (name: string) => ({ name, roleArn: 'arn:aws:iam::123456789012:role/reader', region: 'eu-west-1', tokenConfig: 'aws', verify: false });

describe('operators with IdP tokens (seed 002: Cognito, namespaced JSON-string claim)', () => {
  let idp: TestIdp;
  let server: TestServer;

  beforeAll(async () => {
    idp = await startTestIdp();
    idp.accounts.set('alice', { email: 'alice@example.com', roles: ['acme:admin'] });
    idp.accounts.set('victor', { email: 'victor@example.com', roles: ['viewer'] });
    idp.accounts.set('olga', { roles: ['acme:operator', 'user'] });
    idp.accounts.set('nobody', { email: 'nobody@example.com', roles: ['user', 'billing'] });
    server = await startTestServer({ env: idp.env(), driftWatchIntervalSeconds: 0 });
    for (const tenant of ['acme', 'globex']) {
      expect((await call(server, 'POST', '/api/v1/tenants', TEST_ADMIN_TOKEN, { id: tenant, name: tenant })).status).toBe(201);
      expect((await call(server, 'POST', `/api/v1/tenants/${tenant}/token-configs`, TEST_ADMIN_TOKEN, { name: 'aws', subjectTemplate: 'app:{deployment}' })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
  });

  it('lets a <tenant>:admin ID token create a connection in that tenant and nothing in another, audited as the user', async () => {
    const { idToken } = await tokensFromIdp(idp, 'alice');
    expect(typeof decodeJwt(idToken)[NAMESPACE]).toBe('string'); // the seed's format, unchanged

    const created = await call(server, 'POST', '/api/v1/tenants/acme/connections', idToken, connection('athena'));
    expect(created.status).toBe(201);
    const elsewhere = await call(server, 'POST', '/api/v1/tenants/globex/connections', idToken, connection('athena'));
    expect([elsewhere.status, elsewhere.json.error?.code]).toEqual([403, 'tenant_forbidden']);
    expect((await call(server, 'GET', '/api/v1/tenants/globex/connections', idToken)).status).toBe(403);
    expect((await call(server, 'POST', '/api/v1/tenants', idToken, { id: 'mine', name: 'Mine' })).status).toBe(403);

    const audit = await call(server, 'GET', '/api/v1/tenants/acme/audit?action=connection.created', TEST_ADMIN_TOKEN);
    const events = audit.json.events as Array<{ actor: unknown; target: string }>;
    expect(events.find((event) => event.target === 'athena')?.actor).toEqual({ type: 'user', sub: 'alice', email: 'alice@example.com', issuer: idp.issuer });
  });

  it('accepts the access token too (client_id and token_use: access, no aud of ours)', async () => {
    const { accessToken } = await tokensFromIdp(idp, 'alice');
    const claims = decodeJwt(accessToken);
    expect([claims.token_use, claims.client_id, claims.aud]).toEqual(['access', CONSOLE_CLIENT_ID, 'urn:rolebridge:api']);
    expect((await call(server, 'POST', '/api/v1/tenants/acme/connections', accessToken, connection('s3-export'))).status).toBe(201);
    expect((await call(server, 'POST', '/api/v1/tenants/globex/connections', accessToken, connection('s3-export'))).status).toBe(403);
  });

  it('lets a viewer read everywhere and change nothing', async () => {
    const { idToken } = await tokensFromIdp(idp, 'victor');
    for (const path of ['/api/v1/tenants/acme', '/api/v1/tenants/globex/connections', '/api/v1/tenants/acme/keys', '/api/v1/tenants/acme/audit']) {
      expect((await call(server, 'GET', path, idToken)).status, path).toBe(200);
    }
    const refused: Array<[string, string, unknown]> = [
      ['POST', '/api/v1/tenants/acme/connections', connection('viewer-made')],
      ['POST', '/api/v1/tenants/acme/keys/rotate', undefined],
      ['POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'api' }],
      ['POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'aws' }],
      ['DELETE', '/api/v1/tenants/acme/connections/athena', undefined],
      ['POST', '/api/v1/api-keys', { name: 'escalate', role: 'admin' }],
    ];
    for (const [method, path, body] of refused) {
      const answer = await call(server, method, path, idToken, body);
      expect([answer.status, answer.json.error?.code], `${method} ${path}`).toEqual([403, 'forbidden']);
    }
  });

  it('lets a tenant operator rotate keys and create set-up codes there, but not change connections', async () => {
    const { idToken } = await tokensFromIdp(idp, 'olga');
    const rotate = await call(server, 'POST', '/api/v1/tenants/acme/keys/rotate', idToken);
    expect([200, 409], rotate.text).toContain(rotate.status); // allowed (409: a rotation is already pending)
    expect((await call(server, 'POST', '/api/v1/tenants/acme/setup-codes', idToken, { tokenConfig: 'aws' })).status).toBe(201);
    expect((await call(server, 'POST', '/api/v1/tenants/acme/connections', idToken, connection('olga-made'))).status).toBe(403);
    expect((await call(server, 'POST', '/api/v1/tenants/globex/keys/rotate', idToken)).status).toBe(403);
  });

  it('answers GET /me with the user, its roles (unknown values ignored) and permissions', async () => {
    const { idToken } = await tokensFromIdp(idp, 'olga');
    const me = await call(server, 'GET', '/api/v1/me', idToken);
    expect(me.status).toBe(200);
    expect(me.json.actor).toEqual({ type: 'user', sub: 'olga', issuer: idp.issuer });
    expect(me.json.roles).toEqual([{ role: 'operator', tenant: 'acme' }]);
    expect(me.json.permissions).toEqual(expect.arrayContaining(['connections.read', 'connections.test', 'keys.rotate']));
    expect(me.json.permissions).not.toContain('connections.write');
  });

  it('refuses a user with no rolebridge role with 403 no_role', async () => {
    const { idToken } = await tokensFromIdp(idp, 'nobody');
    const answer = await call(server, 'GET', '/api/v1/tenants/acme', idToken);
    expect([answer.status, answer.json.error?.code]).toEqual([403, 'no_role']);
  });

  describe('refuses every token that fails a check, naming the check and never echoing the token', () => {
    const base = { sub: 'mallory', aud: CONSOLE_CLIENT_ID, token_use: 'id', [NAMESPACE]: JSON.stringify({ roles: ['admin'] }) };
    const now = () => Math.floor(Date.now() / 1000);

    const cases: Array<[string, () => Promise<string>, string]> = [
      ['alg none', async () => `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...base, iss: idp.issuer, exp: now() + 600 })).toString('base64url')}.`, 'algorithm'],
      [
        'HS256 keyed with the IdP public key',
        async () => {
          const { publicKey } = await generateKeyPair('RS256', { extractable: true });
          const pem = await exportSPKI(publicKey);
          return idp.sign(base, { alg: 'HS256', key: new TextEncoder().encode(pem) });
        },
        'algorithm',
      ],
      ['a wrong issuer', () => idp.sign({ ...base, iss: `${idp.issuer}/` }), 'issuer'],
      ['an audience not configured', () => idp.sign({ ...base, aud: 'someone-else' }), 'audience'],
      ['an access token for another client', () => idp.sign({ ...base, aud: undefined, token_use: 'access', client_id: 'someone-else' }), 'audience'],
      ['an ID token that names the client only in client_id', () => idp.sign({ ...base, aud: 'someone-else', client_id: CONSOLE_CLIENT_ID }), 'audience'],
      ['an unknown token_use', () => idp.sign({ ...base, token_use: 'refresh' }), 'token_use'],
      ['an expired token (past the 60 s skew)', () => idp.sign({ ...base, iat: now() - 7200, exp: now() - 61 }), 'expired'],
      ['a token not valid yet', () => idp.sign({ ...base, nbf: now() + 300 }), 'not_yet_valid'],
      ['a token issued in the future', () => idp.sign({ ...base, iat: now() + 300, exp: now() + 900 }), 'issued_in_future'],
      [
        'an unknown signing key',
        async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return idp.sign(base, { key: privateKey, kid: 'not-in-the-jwks' });
        },
        'unknown_key',
      ],
      [
        'a forged signature under the IdP kid',
        async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return idp.sign(base, { key: privateKey });
        },
        'signature',
      ],
      ['no exp', async () => new SignJWT({ ...base, iss: idp.issuer }).setProtectedHeader({ alg: 'RS256', kid: idp.kid }).sign(idp.privateKey), 'malformed'],
    ];

    it.each(cases)('%s', async (_name, make, reason) => {
      const token = await make();
      const answer = await call(server, 'GET', '/api/v1/tenants/acme', token);
      expect([answer.status, answer.json.error?.code, answer.json.error?.details?.reason]).toEqual([401, 'invalid_token', reason]);
      expect(answer.text).not.toContain(token.split('.')[1]);
    });

    it('accepts an expiry within the 60 s skew', async () => {
      const token = await idp.sign({ ...base, iat: now() - 600, exp: now() - 30 });
      expect((await call(server, 'GET', '/api/v1/tenants/acme', token)).status).toBe(200);
    });

    it("refuses a token of rolebridge's own tenant issuer, even one of a workload with a live secret", async () => {
      const workload = await call(server, 'POST', '/api/v1/tenants/acme/workloads', TEST_ADMIN_TOKEN, { deployment: 'prod', component: 'api' });
      const minted = await call(server, 'POST', '/api/v1/token', workload.json.secret as string, {});
      expect(minted.status).toBe(200);
      const answer = await call(server, 'GET', '/api/v1/tenants/acme', minted.json.token as string);
      expect([answer.status, answer.json.error?.details?.reason]).toEqual([401, 'rolebridge_issuer']);
    });
  });

  it('refetches the JWKS for an unknown kid at a bounded rate (not once per token)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const before = idp.jwksFetches();
    for (let i = 0; i < 5; i++) {
      const token = await idp.sign({ sub: 'mallory', aud: CONSOLE_CLIENT_ID }, { key: privateKey, kid: `unknown-${i}` });
      const answer = await call(server, 'GET', '/api/v1/tenants/acme', token);
      expect(answer.json.error?.details?.reason).toBe('unknown_key');
    }
    expect(idp.jwksFetches() - before).toBeLessThanOrEqual(1);
  });

  it('keeps verifying with the keys it holds through an IdP outage, and says so on /readyz', async () => {
    const { idToken } = await tokensFromIdp(idp, 'alice');
    expect((await call(server, 'GET', '/api/v1/tenants/acme', idToken)).status).toBe(200);
    idp.setReachable(false);
    try {
      expect((await call(server, 'GET', '/api/v1/tenants/acme', idToken)).status).toBe(200);
      // An unknown kid cannot be fetched now: a clear 503, not a verdict on the token.
      const { privateKey } = await generateKeyPair('RS256');
      const rotated = await idp.sign({ sub: 'alice', aud: CONSOLE_CLIENT_ID }, { key: privateKey, kid: 'rotated-away' });
      const unknown = await call(server, 'GET', '/api/v1/tenants/acme', rotated);
      expect([unknown.status, unknown.json.error?.code]).toContain(unknown.status === 503 ? 'idp_unavailable' : 'invalid_token');
      const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { status: string; checks: Array<{ name: string; degraded?: boolean; detail?: Record<string, unknown> }> };
      const check = ready.checks.find((entry) => entry.name === 'operator_idp');
      expect(ready.status).toBe('ready');
      expect(check?.degraded).toBe(true);
      expect(check?.detail).toMatchObject({ issuer: idp.issuer, reachable: false, cachedKeys: 1 });
      expect(String(check?.detail?.message)).toMatch(/unreachable/);
    } finally {
      idp.setReachable(true);
    }
  });
});

describe('roles from cognito:groups, and a server with no IdP', () => {
  it('reads roles from a top-level claim when ROLEBRIDGE_AUTH_JWT_ROLES_CLAIM says so', async () => {
    const idp = await startTestIdp();
    const server = await startTestServer({ env: idp.env({ ROLEBRIDGE_AUTH_JWT_CLAIMS_NAMESPACE: '', ROLEBRIDGE_AUTH_JWT_ROLES_CLAIM: 'cognito:groups' }), driftWatchIntervalSeconds: 0 });
    try {
      await call(server, 'POST', '/api/v1/tenants', TEST_ADMIN_TOKEN, { id: 'acme', name: 'acme' });
      idp.accounts.set('gina', { groups: ['acme:viewer', 'Everyone'], roles: ['admin'] });
      const { accessToken } = await tokensFromIdp(idp, 'gina');
      const me = await call(server, 'GET', '/api/v1/me', accessToken);
      expect(me.json.roles).toEqual([{ role: 'viewer', tenant: 'acme' }]); // the namespace's admin is not read
      expect((await call(server, 'GET', '/api/v1/tenants/acme', accessToken)).status).toBe(200);
      expect((await call(server, 'POST', '/api/v1/tenants/acme/keys/rotate', accessToken)).status).toBe(403);
    } finally {
      await server.close();
      await idp.close();
    }
  });

  it('says a JWT is not accepted when no IdP is configured', async () => {
    const idp = await startTestIdp();
    const server = await startTestServer({ driftWatchIntervalSeconds: 0 });
    try {
      const token = await idp.sign({ sub: 'alice', aud: CONSOLE_CLIENT_ID, roles: ['admin'] });
      const answer = await call(server, 'GET', '/api/v1/me', token);
      expect([answer.status, answer.json.error?.details?.reason]).toEqual([401, 'idp_not_configured']);
    } finally {
      await server.close();
      await idp.close();
    }
  });
});
