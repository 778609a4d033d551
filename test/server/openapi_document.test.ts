import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

interface OperationObject {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, unknown>;
}

/** The OpenAPI document stays true and useful: every operation is summarised, tagged, secured and answers documented. */
describe('OpenAPI document', () => {
  let server: TestServer;
  let operations: Array<[string, OperationObject]>;
  beforeAll(async () => {
    server = await startTestServer({ driftWatchIntervalSeconds: 0 });
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, OperationObject>> };
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
