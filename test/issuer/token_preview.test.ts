import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

// The preview must be what a minted token carries: each case mints a real token through POST /api/v1/token
// with the workload's secret and compares it with the preview.

let server: TestServer;

async function call(url: string, headers: Record<string, string>, payload: unknown) {
  const response = await server.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
  return { status: response.statusCode, body: JSON.parse(response.body) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const admin = (url: string, payload: unknown) => call(`/api/v1${url}`, server.adminHeaders, payload);
const preview = (tenant: string, config: string, payload: unknown) => admin(`/tenants/${tenant}/token-configs/${config}/preview`, payload);

async function mint(secret: string, tokenConfig: string): Promise<string> {
  const response = await call('/api/v1/token', { authorization: `Bearer ${secret}` }, { tokenConfig });
  expect(response.status).toBe(200);
  return response.body.token as string;
}

function withoutTimeClaims(claims: Record<string, unknown>): Record<string, unknown> {
  const { iat, nbf, exp, jti, ...rest } = claims;
  expect([iat, nbf, exp, jti].every((v) => v !== undefined)).toBe(true);
  return rest;
}

const workloads = new Map<string, { id: string; secret: string }>();

beforeAll(async () => {
  server = await startTestServer();
  for (const [tenant, signingAlgorithm] of [['prev-es', 'ES256'], ['prev-rs', 'RS256']] as const) {
    expect((await admin('/tenants', { id: tenant, name: tenant, signingAlgorithm })).status).toBe(201);
    const config = await admin(`/tenants/${tenant}/token-configs`, {
      name: 'aws',
      subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}:region:{region}',
      lifetimeSeconds: 900,
      claims: { plan: 'enterprise', amr: ['workload'], nested: { a: 1 } },
      sessionTags: { principalTags: { Deployment: '{deployment}', Team: 'data platform' }, transitiveTagKeys: ['Deployment'] },
    });
    expect(config.status).toBe(201);
    const workload = await admin(`/tenants/${tenant}/workloads`, { deployment: 'prod', component: 'cube_store', region: 'eu-west-1' });
    expect(workload.status).toBe(201);
    workloads.set(tenant, { id: workload.body.id, secret: workload.body.secret });
  }
});
afterAll(async () => server.close());

describe('POST /tenants/{t}/token-configs/{name}/preview', () => {
  it.each(['prev-es', 'prev-rs'])('equals a minted token but for iat/nbf/exp/jti, and its size is the token length (%s)', async (tenant) => {
    const { id, secret } = workloads.get(tenant)!;
    const shown = await preview(tenant, 'aws', { workload: id });
    expect(shown.status).toBe(200);
    const token = await mint(secret, 'aws');
    const minted = decodeJwt(token) as Record<string, unknown>;
    expect(shown.body.claims).toStrictEqual(withoutTimeClaims(minted));
    // Same keys in the same order, not only the same values.
    expect(Object.keys(shown.body.claims)).toStrictEqual(Object.keys(withoutTimeClaims(minted)));
    expect(shown.body.claims).toMatchObject({ sub: 'tenant:' + tenant + ':deployment:prod:component:cube_store:region:eu-west-1', workload_id: id });
    // Exact while iat/exp keep their digit count (until 2286) and jti stays a UUID.
    expect(shown.body.size).toBe(token.length);
  });

  it('shows a draft before it is saved; saving the draft mints exactly what was shown', async () => {
    const tenant = 'prev-es';
    const { id, secret } = workloads.get(tenant)!;
    const draft = {
      subjectTemplate: 'repo:{tenant}/{component}:environment:{deployment}',
      audience: 'https://warehouse.example.com',
      claims: { plan: 'trial' },
      sessionTags: { principalTags: { Component: '{component}' } },
    };
    const shown = await preview(tenant, 'aws', { workload: id, ...draft });
    expect(shown.status).toBe(200);
    expect(shown.body.claims).toMatchObject({
      sub: 'repo:prev-es/cube_store:environment:prod',
      aud: 'https://warehouse.example.com',
      plan: 'trial',
      'https://aws.amazon.com/tags': { principal_tags: { Component: ['cube_store'] } },
    });
    expect(shown.body.claims).not.toHaveProperty('amr');
    // The stored config is unchanged by a preview.
    expect((await preview(tenant, 'aws', { workload: id })).body.claims.sub).toBe('tenant:prev-es:deployment:prod:component:cube_store:region:eu-west-1');
    expect((await admin(`/tenants/${tenant}/token-configs`, { name: 'drafted', lifetimeSeconds: 900, ...draft })).status).toBe(201);
    const token = await mint(secret, 'drafted');
    expect(shown.body.claims).toStrictEqual(withoutTimeClaims(decodeJwt(token) as Record<string, unknown>));
    expect(shown.body.size).toBe(token.length);
  });

  it.each([
    [{ subjectTemplate: '{deployment}-{component}' }, 'invalid_subject_template'],
    [{ subjectTemplate: 'd:{nope}' }, 'invalid_subject_template'],
    [{ audience: 'has space' }, 'invalid_audience'],
    [{ claims: { sub: 'x' } }, 'reserved_claim'],
    [{ sessionTags: { principalTags: { A: 'y', a: 'z' } } }, 'invalid_session_tags'],
  ])('validates a draft as a save does: %j → 400 %s', async (override, code) => {
    const response = await preview('prev-es', 'aws', { workload: workloads.get('prev-es')!.id, ...override });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    // The same draft refused on save, with the same code.
    const saved = await admin('/tenants/prev-es/token-configs', { name: 'refused', subjectTemplate: 'd:{deployment}', ...override });
    expect(saved.body.error.code).toBe(code);
  });

  it('names what is missing: 404 for an unknown config, workload or tenant; 422 when the workload cannot render the subject', async () => {
    const id = workloads.get('prev-es')!.id;
    expect((await preview('prev-es', 'nothing', { workload: id })).body.error.code).toBe('token_config_not_found');
    expect((await preview('prev-es', 'aws', { workload: 'w-nothing' })).body.error.code).toBe('workload_not_found');
    // A workload of another tenant is not found here either.
    expect((await preview('prev-es', 'aws', { workload: workloads.get('prev-rs')!.id })).body.error.code).toBe('workload_not_found');
    expect((await preview('nobody', 'aws', { workload: id })).body.error.code).toBe('tenant_not_found');
    const regionless = await admin('/tenants/prev-es/workloads', { deployment: 'prod', component: 'api' });
    const missing = await preview('prev-es', 'aws', { workload: regionless.body.id });
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('subject_value_missing');
    expect((await preview('prev-es', 'aws', {})).status).toBe(400);
  });
});
