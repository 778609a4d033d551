import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIssuerPublication } from '../../src/doctor/index.js';

// The doctor reads an issuer's publication the way STS does (STS_ISSUER_FETCH, shared with the emulator):
// a redirect is not followed, so an issuer that only redirects to its documents fails here as it fails at STS.
let server: Server;
let base = '';
let jwks = '';
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
  server = createServer((req, res) => {
    const json = { 'content-type': 'application/json' };
    const [, tenant, ...rest] = (req.url ?? '').split('/');
    const path = `/${rest.join('/')}`;
    if (path === '/.well-known/openid-configuration' && tenant !== 'moved') {
      // `direct` publishes its JWKS in place; `moved-jwks` names a jwks_uri that redirects.
      const jwksPath = tenant === 'moved-jwks' ? '/old/jwks.json' : '/.well-known/jwks.json';
      res.writeHead(200, json).end(JSON.stringify({ issuer: `${base}/${tenant}`, jwks_uri: `${base}/${tenant}${jwksPath}` }));
    } else if (path === '/.well-known/openid-configuration') {
      res.writeHead(301, { location: `${base}/direct/.well-known/openid-configuration` }).end();
    } else if (path === '/.well-known/jwks.json') {
      res.writeHead(200, json).end(jwks);
    } else if (path === '/old/jwks.json') {
      res.writeHead(302, { location: `${base}/${tenant}/.well-known/jwks.json` }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

async function tokenFor(issuer: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: issuer, sub: 'tenant:acme:workload:w1', aud: 'sts.amazonaws.com', iat: now, exp: now + 300 })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' })
    .sign(privateKey);
}

describe("the doctor's check of an issuer's publication", () => {
  it('passes documents served in place (a warning only for plain http on a port)', async () => {
    const issuer = `${base}/direct`;
    const result = await checkIssuerPublication(await tokenFor(issuer), issuer);
    expect(result).toMatchObject({ status: 'warning', problem: 'issuer_not_https', data: { kids: ['k1'] } });
  });

  it('does not follow a redirected discovery document, and names the redirect', async () => {
    const issuer = `${base}/moved`;
    const result = await checkIssuerPublication(await tokenFor(issuer), issuer);
    expect(result.status).toBe('failed');
    expect(result.problem).toBe('discovery_unreachable');
    expect(result.detail).toContain(`answered HTTP 301, a redirect to ${base}/direct/.well-known/openid-configuration: STS does not follow redirects`);
  });

  it('does not follow a redirected jwks_uri', async () => {
    const issuer = `${base}/moved-jwks`;
    const result = await checkIssuerPublication(await tokenFor(issuer), issuer);
    expect(result).toMatchObject({ status: 'failed', problem: 'jwks_unreachable' });
    expect(result.detail).toContain('answered HTTP 302, a redirect to');
  });
});
