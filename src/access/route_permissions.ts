import type { Permission } from './permissions.js';

/**
 * The permission each operator route needs, keyed by `METHOD /route/pattern` as fastify registers it.
 * A route missing here is refused to everyone but a global admin (fail closed), and the table-driven test
 * (test/access/route_permissions.test.ts) fails until it is listed.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<string, Permission>> = {
  'POST /api/v1/tenants': 'tenants.write',
  'GET /api/v1/tenants/:tenant': 'tenants.read',
  'POST /api/v1/tenants/:tenant/token-configs': 'token_configs.write',
  'GET /api/v1/tenants/:tenant/token-configs': 'token_configs.read',
  'POST /api/v1/tenants/:tenant/token-configs/:name/preview': 'token_configs.read',
  'PATCH /api/v1/tenants/:tenant/token-configs/:name': 'token_configs.write',
  // It runs real exchanges with probe tokens (as a connection test does): operator.
  'POST /api/v1/tenants/:tenant/token-configs/:name/subject-migration': 'connections.test',
  'POST /api/v1/tenants/:tenant/workloads': 'workloads.write',
  'GET /api/v1/tenants/:tenant/workloads': 'workloads.read',
  'POST /api/v1/tenants/:tenant/workloads/:workload/disable': 'workloads.write',
  'POST /api/v1/tenants/:tenant/connections': 'connections.write',
  'GET /api/v1/tenants/:tenant/connections': 'connections.read',
  'GET /api/v1/tenants/:tenant/connections/:connection': 'connections.read',
  'DELETE /api/v1/tenants/:tenant/connections/:connection': 'connections.write',
  'POST /api/v1/tenants/:tenant/connections/:connection/test': 'connections.test',
  'GET /api/v1/tenants/:tenant/connections/:connection/tests': 'connections.read',
  'GET /api/v1/tenants/:tenant/connections/:connection/db-auth': 'connections.read',
  'POST /api/v1/tenants/:tenant/connections/:connection/db-auth-check': 'connections.test',
  'GET /api/v1/tenants/:tenant/trust-policy': 'trust_policy.read',
  'GET /api/v1/tenants/:tenant/keys': 'keys.read',
  'POST /api/v1/tenants/:tenant/keys/rotate': 'keys.rotate',
  'POST /api/v1/tenants/:tenant/keys/:kid/revoke': 'keys.revoke',
  'GET /api/v1/tenants/:tenant/audit': 'audit.read',
  'POST /api/v1/tenants/:tenant/setup-codes': 'setup_codes.create',
  'POST /api/v1/policy/simulate': 'policy.evaluate',
  'POST /api/v1/policy/lint': 'policy.evaluate',
  'POST /api/v1/api-keys': 'api_keys.manage',
  'GET /api/v1/api-keys': 'api_keys.manage',
  'DELETE /api/v1/api-keys/:id': 'api_keys.manage',
};

export function routePermission(method: string, url: string): Permission | undefined {
  return ROUTE_PERMISSIONS[`${method} ${url}`];
}
