import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { expectAwsError, iamClient, stsClient, webIdentityTrustPolicy } from './emulator_clients.js';

// STS fetches the discovery document's jwks_uri over HTTPS only (AWS-REFERENCE §2.8); the emulator's one
// exception is plain http on a loopback host. Any other scheme is a key it could not retrieve.
const NO_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
const ROLE_ARN = 'arn:aws:iam::123456789012:role/jwks-uri';

let emulator: RunningEmulator;
let server: Server;
let issuer = '';
let jwksUri = '';
let jwks = '';
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
  server = createServer((req, res) => {
    if (req.url === '/t/acme/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' }).end(JSON.stringify({ issuer, jwks_uri: jwksUri }));
    } else if (req.url === '/t/acme/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' }).end(jwks);
    } else if (req.url === '/t/acme/moved/jwks.json') {
      res.writeHead(302, { location: '/t/acme/.well-known/jwks.json' }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/t/acme`;
  emulator = await startEmulator({ port: 0 });
  const iam = iamClient(emulator.url);
  const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'jwks-uri',
      AssumeRolePolicyDocument: webIdentityTrustPolicy(provider.OpenIDConnectProviderArn!, issuer.replace('http://', ''), 'tenant:acme:*'),
    }),
  );
});

afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => server.close(resolve));
});

async function exchange(): Promise<unknown> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ iss: issuer, sub: 'tenant:acme:workload:w1', aud: 'sts.amazonaws.com', iat: now, exp: now + 300 })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' })
    .sign(privateKey);
  return stsClient(emulator.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'w1', WebIdentityToken: token }));
}

describe("the discovery document's jwks_uri", () => {
  it('is fetched over http on a loopback host', async () => {
    jwksUri = `${issuer}/.well-known/jwks.json`;
    await expect(exchange()).resolves.toBeDefined();
  });

  it('is not followed through a redirect, even to the very same keys (as the doctor checks it: STS_ISSUER_FETCH)', async () => {
    jwksUri = `${issuer}/moved/jwks.json`;
    await expectAwsError(exchange(), { code: 'InvalidIdentityToken', status: 400, message: NO_KEY });
  });

  it('is refused with any scheme other than https or loopback http (a data: URL carrying the very same keys)', async () => {
    jwksUri = `data:application/json;base64,${Buffer.from(jwks).toString('base64')}`;
    await expectAwsError(exchange(), { code: 'InvalidIdentityToken', status: 400, message: NO_KEY });
  });
});
