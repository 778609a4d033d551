import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_ROLES, ROUTE_PERMISSIONS, roleAllows, TENANTLESS_PERMISSIONS, type OperatorRole, type Permission } from '../../src/access/index.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

// Table-driven: every operator route × every role × (global, limited to the route's tenant, limited to another
// tenant), through real HTTP on a real server. The expectation comes from the permission table itself.

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
let counter = 0;
const unique = (prefix: string): string => `${prefix}-${++counter}`;

/** A request that passes validation for each route; destructive ones aim at things that do not exist (404 once allowed). */
const SAMPLES: Record<string, (tenant: string) => { url: string; body?: unknown }> = {
  'POST /api/v1/tenants': () => ({ url: '/api/v1/tenants', body: { id: unique('made'), name: 'Made' } }),
  'GET /api/v1/tenants/:tenant': (t) => ({ url: `/api/v1/tenants/${t}` }),
  'POST /api/v1/tenants/:tenant/token-configs': (t) => ({ url: `/api/v1/tenants/${t}/token-configs`, body: { name: unique('tc'), subjectTemplate: 'app:{deployment}' } }),
  'GET /api/v1/tenants/:tenant/token-configs': (t) => ({ url: `/api/v1/tenants/${t}/token-configs` }),
  'POST /api/v1/tenants/:tenant/token-configs/:name/preview': (t) => ({
    url: `/api/v1/tenants/${t}/token-configs/nothing-here/preview`,
    body: { workload: 'nothing-here' },
  }),
  'PATCH /api/v1/tenants/:tenant/token-configs/:name': (t) => ({ url: `/api/v1/tenants/${t}/token-configs/aws`, body: { lifetimeSeconds: 600 } }),
  // An unknown config: the permission is decided before any probe would reach STS.
  'POST /api/v1/tenants/:tenant/token-configs/:name/subject-migration': (t) => ({
    url: `/api/v1/tenants/${t}/token-configs/nothing-here/subject-migration`,
    body: { subjectTemplate: 'app:{deployment}:{component}' },
  }),
  'POST /api/v1/tenants/:tenant/workloads': (t) => ({ url: `/api/v1/tenants/${t}/workloads`, body: { deployment: 'prod', component: 'api' } }),
  'GET /api/v1/tenants/:tenant/workloads': (t) => ({ url: `/api/v1/tenants/${t}/workloads` }),
  'POST /api/v1/tenants/:tenant/workloads/:workload/disable': (t) => ({ url: `/api/v1/tenants/${t}/workloads/nothing-here/disable` }),
  'POST /api/v1/tenants/:tenant/connections': (t) => ({
    url: `/api/v1/tenants/${t}/connections`,
    body: { name: unique('conn'), roleArn: 'arn:aws:iam::123456789012:role/reader', region: 'eu-west-1', tokenConfig: 'aws', verify: false },
  }),
  'GET /api/v1/tenants/:tenant/connections': (t) => ({ url: `/api/v1/tenants/${t}/connections` }),
  'GET /api/v1/tenants/:tenant/connections/:connection': (t) => ({ url: `/api/v1/tenants/${t}/connections/nothing-here` }),
  'DELETE /api/v1/tenants/:tenant/connections/:connection': (t) => ({ url: `/api/v1/tenants/${t}/connections/nothing-here` }),
  'POST /api/v1/tenants/:tenant/connections/:connection/test': (t) => ({ url: `/api/v1/tenants/${t}/connections/nothing-here/test`, body: {} }),
  'GET /api/v1/tenants/:tenant/connections/:connection/tests': (t) => ({ url: `/api/v1/tenants/${t}/connections/nothing-here/tests` }),
  'GET /api/v1/tenants/:tenant/connections/:connection/db-auth': (t) => ({ url: `/api/v1/tenants/${t}/connections/nothing-here/db-auth` }),
  'POST /api/v1/tenants/:tenant/connections/:connection/db-auth-check': (t) => ({
    url: `/api/v1/tenants/${t}/connections/nothing-here/db-auth-check`,
    body: { workload: 'nothing-here', engine: 'postgres', host: 'db.example.com', dbUser: 'app' },
  }),
  'GET /api/v1/tenants/:tenant/trust-policy': (t) => ({ url: `/api/v1/tenants/${t}/trust-policy?tokenConfig=aws&scope=tenant` }),
  'GET /api/v1/tenants/:tenant/keys': (t) => ({ url: `/api/v1/tenants/${t}/keys` }),
  'POST /api/v1/tenants/:tenant/keys/rotate': (t) => ({ url: `/api/v1/tenants/${t}/keys/rotate` }),
  'POST /api/v1/tenants/:tenant/keys/:kid/revoke': (t) => ({ url: `/api/v1/tenants/${t}/keys/no-such-kid/revoke` }),
  'GET /api/v1/tenants/:tenant/audit': (t) => ({ url: `/api/v1/tenants/${t}/audit` }),
  'POST /api/v1/tenants/:tenant/setup-codes': (t) => ({ url: `/api/v1/tenants/${t}/setup-codes`, body: { tokenConfig: 'aws' } }),
  'POST /api/v1/policy/simulate': () => ({ url: '/api/v1/policy/simulate', body: { policy: POLICY, claims: { sub: 'x' } } }),
  'POST /api/v1/policy/lint': () => ({ url: '/api/v1/policy/lint', body: { policy: POLICY } }),
  'POST /api/v1/api-keys': () => ({ url: '/api/v1/api-keys', body: { name: unique('key'), role: 'viewer' } }),
  'GET /api/v1/api-keys': () => ({ url: '/api/v1/api-keys' }),
  'DELETE /api/v1/api-keys/:id': () => ({ url: '/api/v1/api-keys/key-does-not-exist' }),
};

type Scope = 'global' | 'same-tenant' | 'other-tenant';

/** What the table says: a tenant route counts the global role and the route tenant's; a tenantless one only global roles. */
function expectedAllowed(permission: Permission, role: OperatorRole, scope: Scope, routeHasTenant: boolean): boolean {
  if (!roleAllows(role, permission)) return false;
  if (scope === 'global' || TENANTLESS_PERMISSIONS.has(permission)) return true;
  return routeHasTenant && scope === 'same-tenant';
}

describe('the permission table, route by route and role by role', () => {
  let server: TestServer;
  const keys = new Map<string, string>();

  const call = async (method: string, url: string, token: string, body?: unknown) => {
    const response = await server.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, json: response.json() as { error?: { code: string } } };
  };

  beforeAll(async () => {
    // Database auth on, so its operator routes answer by the permission table rather than feature_disabled.
    server = await startTestServer({ driftWatchIntervalSeconds: 0, env: { ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH: 'true' } });
    for (const tenant of ['acme', 'globex']) {
      expect((await call('POST', '/api/v1/tenants', TEST_ADMIN_TOKEN, { id: tenant, name: tenant })).status).toBe(201);
      expect((await call('POST', `/api/v1/tenants/${tenant}/token-configs`, TEST_ADMIN_TOKEN, { name: 'aws', subjectTemplate: 'app:{deployment}' })).status).toBe(201);
    }
    for (const role of OPERATOR_ROLES) {
      for (const tenant of [undefined, 'acme']) {
        const issued = await call('POST', '/api/v1/api-keys', TEST_ADMIN_TOKEN, { name: `${role}-${tenant ?? 'all'}`, role, ...(tenant ? { tenant } : {}) });
        expect(issued.status).toBe(201);
        keys.set(`${role}:${tenant ?? '*'}`, (issued.json as unknown as { token: string }).token);
      }
    }
  });
  afterAll(async () => server?.close());

  it('lists every operator route of the API (a new route must say which permission it needs)', async () => {
    const openapi = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
    };
    const operatorRoutes: string[] = [];
    for (const [path, operations] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method === 'head' || !operation.security?.some((entry) => 'adminToken' in entry)) continue;
        const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        // Routes any operator may call whatever the role (requireOperator); each filters what it answers itself.
        if (route !== 'GET /api/v1/me' && route !== 'GET /api/v1/tenants') operatorRoutes.push(route);
      }
    }
    expect(operatorRoutes.sort()).toEqual(Object.keys(ROUTE_PERMISSIONS).sort());
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(ROUTE_PERMISSIONS).sort());
  });

  it('lists tenants by grant: a global role sees every tenant, a tenant-limited one only its own', async () => {
    const ids = async (token: string) =>
      ((await call('GET', '/api/v1/tenants', token)).json as unknown as { tenants: Array<{ id: string }> }).tenants.map((tenant) => tenant.id).sort();
    for (const role of OPERATOR_ROLES) {
      expect(await ids(keys.get(`${role}:*`) as string)).toEqual(expect.arrayContaining(['acme', 'globex']));
      expect(await ids(keys.get(`${role}:acme`) as string)).toEqual(['acme']);
    }
  });

  const cases: Array<[string, Permission, OperatorRole, Scope]> = [];
  for (const [route, permission] of Object.entries(ROUTE_PERMISSIONS)) {
    for (const role of OPERATOR_ROLES) for (const scope of ['global', 'same-tenant', 'other-tenant'] as const) cases.push([route, permission, role, scope]);
  }

  it.each(cases)('%s (%s) as %s, %s', async (route, permission, role, scope) => {
    const [method, pattern] = route.split(' ') as [string, string];
    const routeHasTenant = pattern.includes(':tenant');
    // A tenant-limited key is limited to acme; "other-tenant" calls globex's routes.
    const target = scope === 'other-tenant' ? 'globex' : 'acme';
    const token = keys.get(`${role}:${scope === 'global' ? '*' : 'acme'}`) as string;
    const sample = (SAMPLES[route] as (tenant: string) => { url: string; body?: unknown })(target);
    const answer = await call(method, sample.url, token, sample.body);
    if (expectedAllowed(permission, role, scope, routeHasTenant)) {
      expect([401, 403]).not.toContain(answer.status);
      expect(answer.status).toBeLessThan(500);
    } else {
      expect(answer.status).toBe(403);
      expect(['forbidden', 'tenant_forbidden']).toContain(answer.json.error?.code);
    }
  });

  it('holds what CONTRACT lists: viewer reads; operator also tests, rotates, mints test tokens and set-up codes; admin also changes', () => {
    const writes = ['tenants.write', 'token_configs.write', 'workloads.write', 'connections.write', 'keys.revoke', 'api_keys.manage'];
    const operations = ['connections.test', 'keys.rotate', 'tokens.mint_test', 'setup_codes.create'];
    for (const permission of [...writes, ...operations]) expect(roleAllows('viewer', permission as Permission)).toBe(false);
    for (const permission of operations) expect(roleAllows('operator', permission as Permission)).toBe(true);
    for (const permission of writes) expect(roleAllows('operator', permission as Permission)).toBe(false);
    for (const permission of [...writes, ...operations]) expect(roleAllows('admin', permission as Permission)).toBe(true);
    expect(ROUTE_PERMISSIONS['POST /api/v1/tenants/:tenant/connections']).toBe('connections.write');
    expect(ROUTE_PERMISSIONS['POST /api/v1/tenants/:tenant/keys/rotate']).toBe('keys.rotate');
    expect(ROUTE_PERMISSIONS['POST /api/v1/tenants/:tenant/keys/:kid/revoke']).toBe('keys.revoke');
    expect(ROUTE_PERMISSIONS['POST /api/v1/policy/simulate']).toBe('policy.evaluate'); // a POST that only reads
  });

  it('answers GET /me with the key as actor, its roles and the permissions they hold', async () => {
    const me = await call('GET', '/api/v1/me', keys.get('operator:acme') as string);
    expect(me.status).toBe(200);
    const body = me.json as unknown as { actor: { type: string; id: string }; roles: unknown[]; permissions: string[] };
    expect(body.actor.type).toBe('api_key');
    expect(body.actor.id).toMatch(/^key-/);
    expect(body.roles).toEqual([{ role: 'operator', tenant: 'acme' }]);
    expect(body.permissions).toContain('keys.rotate');
    expect(body.permissions).toContain('connections.test');
    expect(body.permissions).not.toContain('connections.write');
    expect((await call('GET', '/api/v1/me', 'rb_admin_not_a_key')).status).toBe(401);
  });
});
