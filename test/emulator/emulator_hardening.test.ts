import { GetCredentialsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { IssuerKeyCache } from '../../src/emulator/web_identity/issuer_key_cache.js';
import { expectAwsError } from './emulator_clients.js';
import { startFederation, type Federation } from './federation_fixture.js';

const NO_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

describe('the emulator as a careful relying party', () => {
  let federation: Federation;
  beforeAll(async () => {
    federation = await startFederation();
  });
  afterAll(async () => federation.close());

  it('refetches the JWKS for an unknown kid at most once per interval per issuer, not once per token', async () => {
    federation.issuer.setCacheControl('public, max-age=3600');
    await federation.exchange(await federation.issuer.sign());
    const before = federation.issuer.jwksFetches();
    for (let i = 0; i < 40; i++) {
      await expectAwsError(federation.exchange(await federation.issuer.sign({}, { kid: `made-up-${i}` })), {
        code: 'InvalidIdentityToken',
        status: 400,
        message: NO_KEY,
      });
    }
    expect(federation.issuer.jwksFetches() - before).toBe(1);
    // Known keys keep working meanwhile.
    await expect(federation.exchange(await federation.issuer.sign())).resolves.toBeDefined();
  });

  it.each([
    ['1e+308', 1e308],
    ['2^53 - 1', Number.MAX_SAFE_INTEGER],
    ['year 9999', 253402300799],
    ['30 days ahead', Math.floor(Date.now() / 1000) + 30 * 86_400],
    ['a fraction', Math.floor(Date.now() / 1000) + 300.5],
    ['negative', -1],
  ])('treats an absurd exp (%s) as an invalid token, not as a token that never expires', async (_name, exp) => {
    await expectAwsError(federation.exchange(await federation.issuer.sign({ exp })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: /timestamps must be integers|too far in the future/,
    });
  });

  it.each([['iat', 1e308], ['nbf', 2.5], ['iat', '12345']])('treats a non-integer or absurd %s (%s) as an invalid token', async (claim, value) => {
    await expectAwsError(federation.exchange(await federation.issuer.sign({ [claim]: value })), {
      code: 'InvalidIdentityToken',
      status: 400,
      message: /timestamps must be integers/,
    });
  });

  it('still accepts an ordinary token lifetime (12 hours)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(federation.exchange(await federation.issuer.sign({ iat: now, exp: now + 12 * 3600 }))).resolves.toBeDefined();
  });
});

describe('discovery and JWKS size limits', () => {
  let server: Server;
  let base = '';
  let bytesSent = 0;
  const TOTAL = 50 * 1024 * 1024;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: `${base}/big`, jwks_uri: `${base}/big/jwks` }));
        return;
      }
      // 50 MiB of JWKS, streamed without a Content-Length: the reader must stop, not buffer it all.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      res.write('{"keys":[],"padding":"');
      const pump = (): void => {
        while (bytesSent < TOTAL) {
          bytesSent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end('"}');
      };
      res.on('close', () => undefined);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses an oversized JWKS with the key-retrieval error, after reading only its limit', async () => {
    const cache = new IssuerKeyCache();
    await expect(cache.keyFor(`${base}/big`, { alg: 'ES256', kid: 'k' }, Date.now())).rejects.toMatchObject({
      code: 'InvalidIdentityToken',
      message: NO_KEY,
    });
    expect(bytesSent).toBeLessThan(TOTAL);
  });
});

describe('Redshift Serverless JSON protocol', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(async () => emulator.close());

  it.each([['{"workgroupName": '], ['[1, 2, 3]'], ['"text"']])('answers a malformed JSON body (%s) with SerializationException, not a 500', async (body) => {
    const client = new RedshiftServerlessClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      maxAttempts: 1,
    });
    // Replace the serialised body before signing, as a broken client would send it.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown; headers: Record<string, string> };
        request.body = body;
        request.headers['content-length'] = String(Buffer.byteLength(body));
        return next(args);
      },
      { step: 'build', priority: 'low', name: 'malformedBody' },
    );
    const failure = (await client.send(new GetCredentialsCommand({ workgroupName: 'reporting' })).catch((error: unknown) => error)) as {
      name?: string;
      $metadata?: { httpStatusCode?: number };
    };
    expect(failure.$metadata?.httpStatusCode).toBe(400);
    expect(failure.name).toBe('SerializationException');
  });
});
