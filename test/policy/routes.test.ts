import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorEnvelope } from '../../src/server/error_envelope.js';
import { registerPolicyRoutes } from '../../src/server/routes/policy.js';

const PROVIDER = 'arn:aws:iam::222233334444:oidc-provider/acme.cubecloud.dev';
const policy = {
  Version: '2012-10-17',
  Statement: [{
    Sid: 'Cube',
    Effect: 'Allow',
    Principal: { Federated: PROVIDER },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'acme.cubecloud.dev:aud': 'sts.amazonaws.com', 'acme.cubecloud.dev:sub': 'cube:deployment:12' } },
  }],
};
const claims = { iss: 'https://acme.cubecloud.dev', aud: 'sts.amazonaws.com', sub: 'cube:deployment:12:component:cube_api' };

let app: FastifyInstance;
let admitted = 0;

beforeAll(async () => {
  // The server's validator settings, the server's error envelope, and an admin guard that counts its calls.
  app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } } });
  installErrorEnvelope(app);
  registerPolicyRoutes(app, { auth: { requireAdmin: async () => void (admitted += 1) } });
  await app.ready();
});
afterAll(() => app.close());

describe('POST /api/v1/policy/simulate', () => {
  it('answers the evaluation object with every statement and condition', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/policy/simulate', payload: { policy, claims } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.decision).toBe('ImplicitlyDenied');
    expect(body.statements[0].sid).toBe('Cube');
    expect(body.statements[0].conditions[1]).toMatchObject({
      key: 'acme.cubecloud.dev:sub',
      matched: false,
      contextValue: 'cube:deployment:12:component:cube_api',
      requiredValues: ['cube:deployment:12'],
    });
    expect(body.statements[0].conditions[1].explanation).toContain('use StringLike with `cube:deployment:12:*`');
    expect(admitted).toBeGreaterThan(0);
  });

  it('accepts the policy as text and a token instead of claims', async () => {
    const token = ['{"alg":"ES256"}', JSON.stringify({ ...claims, sub: 'cube:deployment:12' }), 'sig'].map((part) => Buffer.from(part).toString('base64url')).join('.');
    const response = await app.inject({ method: 'POST', url: '/api/v1/policy/simulate', payload: { policy: JSON.stringify(policy), token } });
    expect(response.statusCode).toBe(200);
    expect(response.json().decision).toBe('Allowed');
  });

  it('keeps multivalued context keys and the tagSession evaluation', async () => {
    const tagged = { ...claims, sub: 'cube:deployment:12', 'https://aws.amazon.com/tags': { principal_tags: { team: ['data'] } } };
    const response = await app.inject({ method: 'POST', url: '/api/v1/policy/simulate', payload: { policy, claims: tagged, context: { 'aws:SourceIp': '10.0.0.1', 'aws:CalledVia': ['a', 'b'] } } });
    const body = response.json();
    expect(body.decision).toBe('ImplicitlyDenied');
    expect(body.tagSession.action).toBe('sts:TagSession');
    expect(body.summary).toContain('sts:TagSession');
  });

  it('answers 400 with the code and JSON path of a malformed policy', async () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringLike":{"k":"a"},"StringLike":{"k":"b"}}}]}';
    const response = await app.inject({ method: 'POST', url: '/api/v1/policy/simulate', payload: { policy: text, claims } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'duplicate_key', details: { path: 'Statement[0].Condition.StringLike' } });
  });

  it('answers 400 without claims or token, and for a token that is not a JWT', async () => {
    const none = await app.inject({ method: 'POST', url: '/api/v1/policy/simulate', payload: { policy } });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('claims_or_token_required');
    const bad = await app.inject({ method: 'POST', url: '/api/v1/policy/simulate', payload: { policy, token: 'nope' } });
    expect(bad.json().error.code).toBe('invalid_token');
  });
});

describe('POST /api/v1/policy/lint', () => {
  it('answers the findings', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/policy/lint', payload: { policy: { ...policy, Statement: [{ ...policy.Statement[0], Condition: undefined }] }, issuer: 'https://acme.cubecloud.dev' } });
    expect(response.statusCode).toBe(200);
    const codes = (response.json().findings as Array<{ code: string }>).map((finding) => finding.code);
    expect(codes).toEqual(expect.arrayContaining(['missing_sub_condition', 'missing_aud_condition']));
  });

  it('reports a parse error as a finding', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/policy/lint', payload: { policy: '{"Statement": [' } });
    expect(response.json().findings[0]).toMatchObject({ code: 'invalid_json', severity: 'error' });
  });
});
