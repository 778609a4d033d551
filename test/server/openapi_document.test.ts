import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

interface OperationObject {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, unknown>;
}

interface OpenApiDocument {
  info: { license?: { name?: string; url?: string; identifier?: string } };
  servers?: Array<{ url: string }>;
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, OperationObject>>;
}

/** The routes anyone may call without credentials: issuer documents, health, the sign-in steps and the set-up CLI download. */
const PUBLIC_OPERATIONS = [
  'GET /setup/latest',
  'GET /setup/{file}',
  'GET /healthz',
  'GET /readyz',
  'GET /auth/config',
  'GET /auth/login',
  'GET /auth/callback',
  'POST /auth/cli/exchange',
  'GET /t/{tenant}/.well-known/openid-configuration',
  'GET /t/{tenant}/.well-known/jwks.json',
];

/** The OpenAPI document stays true and useful: every operation is summarised, tagged, secured and answers documented. */
describe('OpenAPI document', () => {
  let server: TestServer;
  let operations: Array<[string, OperationObject]>;
  let document: OpenApiDocument;
  beforeAll(async () => {
    server = await startTestServer({ driftWatchIntervalSeconds: 0 });
    document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, OperationObject]),
    );
  });
  afterAll(() => server.close());

  it('has a summary, a tag and a success response for every operation', () => {
    for (const [name, operation] of operations) {
      expect(operation.summary, name).toEqual(expect.any(String));
      expect(operation.tags?.length ?? 0, name).toBeGreaterThan(0);
      // a success is a 2xx, or for the sign-in routes the redirect that carries the browser on
      expect(Object.keys(operation.responses ?? {}).some((status) => /^2\d\d$/.test(status) || (name.includes(' /auth/') && /^30[23]$/.test(status))), name).toBe(true);
    }
  });

  it('declares how every /api/v1 operation authenticates', () => {
    const open = new Set(['POST /api/v1/setup-sessions']);
    for (const [name, operation] of operations) {
      if (!name.includes(' /api/v1/') || open.has(name)) continue;
      expect(operation.security?.length ?? 0, name).toBeGreaterThan(0);
    }
  });

  it('names every operation with a unique camelCase operationId', () => {
    const ids = operations.map(([name, operation]) => {
      expect(operation.operationId, name).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      return operation.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the operationIds clients are generated with', () => {
    const idOf = (name: string) => operations.find(([operation]) => operation === name)?.[1].operationId;
    expect(idOf('POST /api/v1/tenants')).toBe('createTenant');
    expect(idOf('POST /api/v1/token')).toBe('issueToken');
    expect(idOf('GET /api/v1/credentials/{connection}')).toBe('getCredentials');
    expect(idOf('POST /api/v1/tenants/{tenant}/connections/{connection}/test')).toBe('testConnection');
    expect(idOf('GET /t/{tenant}/.well-known/jwks.json')).toBe('getJwks');
  });

  it('declares security on every operation: `[]` exactly on the public ones', () => {
    const schemes = Object.keys(document.components.securitySchemes);
    for (const [name, operation] of operations) {
      expect(operation.security, name).toEqual(expect.any(Array));
      for (const requirement of operation.security as Array<Record<string, unknown>>) {
        for (const scheme of Object.keys(requirement)) expect(schemes, `${name} uses ${scheme}`).toContain(scheme);
      }
    }
    const open = operations.filter(([, operation]) => operation.security?.length === 0).map(([name]) => name);
    expect(open.sort()).toEqual([...PUBLIC_OPERATIONS].sort());
    // /metrics is public unless ROLEBRIDGE_METRICS_TOKEN is set: anonymous or the metrics token
    expect(operations.find(([name]) => name === 'GET /metrics')?.[1].security).toEqual([{}, { metricsToken: [] }]);
  });

  it('names its servers and its license', () => {
    expect(document.servers?.length ?? 0).toBeGreaterThan(0);
    for (const entry of document.servers ?? []) expect(entry.url).toEqual(expect.any(String));
    expect(document.info.license).toEqual({ name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' });
  });

  it('documents every route CONTRACT.md names', () => {
    const names = operations.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/v1/tenants',
        'GET /api/v1/tenants/{tenant}',
        'POST /api/v1/tenants/{tenant}/token-configs',
        'GET /api/v1/tenants/{tenant}/token-configs',
        'POST /api/v1/tenants/{tenant}/workloads',
        'GET /api/v1/tenants/{tenant}/workloads',
        'POST /api/v1/tenants/{tenant}/connections',
        'GET /api/v1/tenants/{tenant}/connections',
        'POST /api/v1/tenants/{tenant}/connections/{connection}/test',
        'GET /api/v1/tenants/{tenant}/trust-policy',
        'POST /api/v1/tenants/{tenant}/keys/rotate',
        'GET /api/v1/tenants/{tenant}/keys',
        'GET /api/v1/tenants/{tenant}/audit',
        'POST /api/v1/policy/simulate',
        'POST /api/v1/policy/lint',
        'POST /api/v1/token',
        'GET /api/v1/credentials/{connection}',
        'POST /api/v1/db-auth-token',
      ]),
    );
  });
});
