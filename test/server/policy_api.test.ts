import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

const policy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/id.example.com/t/acme' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'id.example.com/t/acme:aud': 'sts.amazonaws.com', 'id.example.com/t/acme:sub': 'app:deployment:12' } },
    },
  ],
};

describe('policy API on the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = server.adminHeaders) =>
    fetch(`${server.url}/api/v1/policy/${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('needs an admin token', async () => {
    const response = await post('simulate', { policy, claims: {} }, {});
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it('simulates and explains the failing condition', async () => {
    const response = await post('simulate', {
      policy,
      claims: { iss: 'https://id.example.com/t/acme', aud: 'sts.amazonaws.com', sub: 'app:deployment:12:component:api' },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { decision: string; statements: Array<{ conditions: Array<{ key: string; matched: boolean }> }> };
    expect(body.decision).toBe('ImplicitlyDenied');
    expect(body.statements[0]!.conditions.find((condition) => condition.key.endsWith(':sub'))?.matched).toBe(false);
  });

  it('lints: a broken document is a finding with its path; simulating it is a 400 with the path', async () => {
    const lint = await post('lint', { policy, issuer: 'https://id.example.com/t/acme' });
    expect(lint.status).toBe(200);
    const broken = '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}';
    const bad = await post('lint', { policy: broken });
    expect(bad.status).toBe(200);
    expect(((await bad.json()) as { findings: unknown[] }).findings).toContainEqual(
      expect.objectContaining({ code: 'invalid_effect', severity: 'error', path: 'Statement[0].Effect' }),
    );
    const simulate = await post('simulate', { policy: broken, claims: { sub: 'x' } });
    expect(simulate.status).toBe(400);
    const error = ((await simulate.json()) as { error: { code: string; details?: { path?: string } } }).error;
    expect(error.code).toBe('invalid_effect');
    expect(error.details?.path).toBe('Statement[0].Effect');
  });

  it('is in the OpenAPI document', async () => {
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/policy/simulate', '/api/v1/policy/lint']));
  });
});
