/**
 * Every API operation the console calls: method and OpenAPI path. This table is the console's only door to the
 * server; test/web/api_operations.test.ts checks each entry against the server's `/openapi.json` (console-only
 * routes would fail there), and the optional identity routes are marked so a server without them is fine.
 */
export const operations = {
  me: { method: 'GET', path: '/api/v1/me', optional: true },
  authConfig: { method: 'GET', path: '/auth/config', optional: true },
  logout: { method: 'POST', path: '/auth/logout', optional: true },
  listTenants: { method: 'GET', path: '/api/v1/tenants' },
  createTenant: { method: 'POST', path: '/api/v1/tenants' },
  getTenant: { method: 'GET', path: '/api/v1/tenants/{tenant}' },
  listKeys: { method: 'GET', path: '/api/v1/tenants/{tenant}/keys' },
  rotateKeys: { method: 'POST', path: '/api/v1/tenants/{tenant}/keys/rotate' },
  revokeKey: { method: 'POST', path: '/api/v1/tenants/{tenant}/keys/{kid}/revoke' },
  listTokenConfigs: { method: 'GET', path: '/api/v1/tenants/{tenant}/token-configs' },
  createTokenConfig: { method: 'POST', path: '/api/v1/tenants/{tenant}/token-configs' },
  previewTokenConfigClaims: { method: 'POST', path: '/api/v1/tenants/{tenant}/token-configs/{name}/preview' },
  listWorkloads: { method: 'GET', path: '/api/v1/tenants/{tenant}/workloads' },
  createWorkload: { method: 'POST', path: '/api/v1/tenants/{tenant}/workloads' },
  disableWorkload: { method: 'POST', path: '/api/v1/tenants/{tenant}/workloads/{workload}/disable' },
  listConnections: { method: 'GET', path: '/api/v1/tenants/{tenant}/connections' },
  createConnection: { method: 'POST', path: '/api/v1/tenants/{tenant}/connections' },
  getConnection: { method: 'GET', path: '/api/v1/tenants/{tenant}/connections/{connection}' },
  deleteConnection: { method: 'DELETE', path: '/api/v1/tenants/{tenant}/connections/{connection}' },
  testConnection: { method: 'POST', path: '/api/v1/tenants/{tenant}/connections/{connection}/test' },
  getConnectionDbAuth: { method: 'GET', path: '/api/v1/tenants/{tenant}/connections/{connection}/db-auth' },
  checkConnectionDbAuth: { method: 'POST', path: '/api/v1/tenants/{tenant}/connections/{connection}/db-auth-check' },
  listConnectionTests: { method: 'GET', path: '/api/v1/tenants/{tenant}/connections/{connection}/tests' },
  trustPolicy: { method: 'GET', path: '/api/v1/tenants/{tenant}/trust-policy' },
  createSetupCode: { method: 'POST', path: '/api/v1/tenants/{tenant}/setup-codes' },
  audit: { method: 'GET', path: '/api/v1/tenants/{tenant}/audit' },
  simulatePolicy: { method: 'POST', path: '/api/v1/policy/simulate' },
  lintPolicy: { method: 'POST', path: '/api/v1/policy/lint' },
} as const satisfies Record<string, { method: 'GET' | 'POST' | 'DELETE' | 'PATCH'; path: string; optional?: boolean }>;

export type OperationName = keyof typeof operations;

/** `/api/v1/tenants/{tenant}` with `{tenant: 'acme'}` → `/api/v1/tenants/acme` (each value URL-encoded). */
export function pathOf(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
