import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from '../helpers/test_server.js';
import { fetchVia, httpCall } from './issuer_client.js';

const run = promisify(execFile);
const PYJWT_SCRIPT = fileURLToPath(new URL('./pyjwt_verify.py', import.meta.url));
/** Debian's python3-jwt lives in the system interpreter (a pyenv shim may shadow `python3`). */
const PYTHON = '/usr/bin/python3';

interface Scenario {
  name: string;
  algorithm: 'ES256' | 'RS256';
  hostBased: boolean;
}

const scenarios: Scenario[] = [
  { name: 'ES256, path-based issuer', algorithm: 'ES256', hostBased: false },
  { name: 'RS256, path-based issuer', algorithm: 'RS256', hostBased: false },
  { name: 'ES256, host-based issuer', algorithm: 'ES256', hostBased: true },
  { name: 'RS256, host-based issuer', algorithm: 'RS256', hostBased: true },
];

/** Fails with a clear reason when the verifier is missing (.ci/run installs python3-jwt and python3-cryptography). */
async function assertPyJwtInstalled(): Promise<void> {
  try {
    await run(PYTHON, ['-c', 'import jwt, cryptography']);
  } catch {
    throw new Error(`PyJWT is not installed for ${PYTHON}: apt-get install python3-jwt python3-cryptography (.ci/run does this)`);
  }
}

async function verifyWithPyJwt(issuer: string, tokens: string[], connectTo: string | undefined): Promise<Array<Record<string, unknown>>> {
  const { stdout } = await run(PYTHON, [PYJWT_SCRIPT, issuer, 'sts.amazonaws.com', ...tokens], {
    env: { ...process.env, ...(connectTo ? { ROLEBRIDGE_TEST_CONNECT: connectTo } : {}), no_proxy: '*' },
    timeout: 20_000,
  });
  const result = JSON.parse(stdout) as { discoveryIssuer: string; claims: Array<Record<string, unknown>> };
  expect(result.discoveryIssuer).toBe(issuer);
  return result.claims;
}

/** jose as an independent relying party: discovery -> jwks_uri -> createRemoteJWKSet. */
async function verifyWithJose(issuer: string, token: string, connectTo: string): Promise<Record<string, unknown>> {
  const discovery = (await httpCall(`${issuer}/.well-known/openid-configuration`, { connectTo })).json() as { issuer: string; jwks_uri: string };
  expect(discovery.issuer).toBe(issuer);
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri), { [customFetch]: fetchVia(connectTo) });
  const { payload } = await jwtVerify(token, jwks, { issuer, audience: 'sts.amazonaws.com' });
  return payload as Record<string, unknown>;
}

describe.each(scenarios)('tokens verified by independent verifiers: $name', ({ algorithm, hostBased }) => {
  let server: TestServer;
  let connectTo: string;
  let issuer: string;
  let secret: string;
  const admin = (path: string, body?: unknown) =>
    httpCall(`${server.url}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...server.adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const token = async (): Promise<string> => {
    const response = await httpCall(`${server.url}/api/v1/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    return response.json().token as string;
  };

  beforeAll(async () => {
    await assertPyJwtInstalled();
    // max-age 0: a pre-published key may sign at once, so the test can rotate without waiting.
    server = await startTestServer({ jwksMaxAgeSeconds: 0, ...(hostBased ? { issuerTemplate: 'http://{tenant}.id.test' } : {}) });
    connectTo = new URL(server.url).host;
    const tenant = await admin('/tenants', { id: 'acme-corp', name: 'Acme', signingAlgorithm: algorithm });
    expect(tenant.status).toBe(201);
    issuer = tenant.json().issuer;
    expect(issuer).toBe(hostBased ? 'http://acme-corp.id.test' : `${server.url.replace('localhost', '127.0.0.1')}/t/acme-corp`);
    expect((await admin('/tenants/acme-corp/token-configs', { name: 'default', subjectTemplate: 'deployment:{deployment}:component:{component}' })).status).toBe(201);
    const workload = await admin('/tenants/acme-corp/workloads', { deployment: 'prod', component: 'api', region: 'eu-west-1' });
    expect(workload.status).toBe(201);
    secret = workload.json().secret;
  });
  afterAll(async () => server.close());

  it('before and after a rotation, both tokens verify through discovery -> JWKS', async () => {
    const before = await token();
    const rotated = await admin('/tenants/acme-corp/keys/rotate', {});
    expect(rotated.status).toBe(200);
    const after = await token();
    expect(decodeProtectedHeader(before).kid).not.toBe(decodeProtectedHeader(after).kid);
    expect(decodeProtectedHeader(after).alg).toBe(algorithm);

    const claims = await verifyWithPyJwt(issuer, [before, after], hostBased ? connectTo : undefined);
    for (const c of claims) {
      expect(c).toMatchObject({
        iss: issuer,
        sub: 'deployment:prod:component:api',
        aud: 'sts.amazonaws.com',
        tenant_id: 'acme-corp',
        deployment: 'prod',
        component: 'api',
        region: 'eu-west-1',
      });
      expect((c.exp as number) - (c.iat as number)).toBe(300);
    }
    for (const t of [before, after]) {
      const payload = await verifyWithJose(issuer, t, connectTo);
      expect(payload.iss).toBe(issuer);
    }
  });

  it('a revoked key leaves the JWKS at once: its tokens stop verifying, new tokens verify', async () => {
    const old = await token();
    const kid = decodeProtectedHeader(old).kid!;
    expect((await admin(`/tenants/acme-corp/keys/${encodeURIComponent(kid)}/revoke`, {})).status).toBe(200);
    await expect(verifyWithJose(issuer, old, connectTo)).rejects.toThrow(/no applicable key|matching key/i);
    await expect(verifyWithPyJwt(issuer, [old], hostBased ? connectTo : undefined)).rejects.toThrow();
    const fresh = await token();
    expect(decodeProtectedHeader(fresh).kid).not.toBe(kid);
    await verifyWithPyJwt(issuer, [fresh], hostBased ? connectTo : undefined);
  });
});
