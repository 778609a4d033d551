import { type CryptoKey, type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny OIDC issuer for emulator tests, written with jose + node:http: discovery and JWKS on
 * port 0, tokens with arbitrary claims signed ES256 or RS256, switchable Cache-Control, latency
 * and an offline switch, and a counter of JWKS fetches. Not rolebridge's issuer (that one is tested
 * end to end by the lead); this one exists so the emulator can be pinned against a known issuer.
 */
export type TestAlg = 'ES256' | 'RS256';

export interface SignOptions {
  alg?: TestAlg;
  /** Header `kid`; `null` leaves it out. Default: the key's own kid. */
  kid?: string | null;
  /** Sign with a key the JWKS does not publish (same kid): "another issuer with the same kid". */
  foreignKey?: boolean;
}

export interface TestIssuer {
  /** The issuer URL (`http://127.0.0.1:<port>/t/acme`), the `iss` of its tokens. */
  issuer: string;
  /** Signs `claims` on top of defaults: iss, sub, aud `sts.amazonaws.com`, iat now, exp now + 5 min, jti. */
  sign(claims?: JWTPayload, options?: SignOptions): Promise<string>;
  /** Cache-Control sent with discovery and JWKS (default `no-cache`). */
  setCacheControl(value: string | undefined): void;
  /** When offline, connections are reset: the issuer is unreachable. */
  setOffline(offline: boolean): void;
  /** Delay before every answer, for timeout tests. */
  setLatency(ms: number): void;
  /** Replaces the published keys with fresh ones under new kids (rotation). */
  rotate(): Promise<void>;
  jwksFetches(): number;
  close(): Promise<void>;
}

interface KeyPair {
  kid: string;
  alg: TestAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function keyPair(alg: TestAlg, kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

let jtiCounter = 0;

export async function startTestIssuer(options: { path?: string } = {}): Promise<TestIssuer> {
  const path = options.path ?? '/t/acme';
  let generation = 1;
  let keys = { ES256: await keyPair('ES256', 'es-1'), RS256: await keyPair('RS256', 'rs-1') };
  const foreign = { ES256: await keyPair('ES256', 'es-1'), RS256: await keyPair('RS256', 'rs-1') };
  let cacheControl: string | undefined = 'no-cache';
  let offline = false;
  let latencyMs = 0;
  let fetches = 0;
  let issuer = '';

  const server = createServer((req, res) => {
    if (offline) {
      req.socket.destroy();
      return;
    }
    setTimeout(() => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (cacheControl !== undefined) headers['cache-control'] = cacheControl;
      if (req.url === `${path}/.well-known/openid-configuration`) {
        res.writeHead(200, headers).end(
          JSON.stringify({
            issuer,
            jwks_uri: `${issuer}/.well-known/jwks.json`,
            response_types_supported: ['id_token'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['ES256', 'RS256'],
          }),
        );
      } else if (req.url === `${path}/.well-known/jwks.json`) {
        fetches += 1;
        res.writeHead(200, headers).end(JSON.stringify({ keys: [keys.ES256.publicJwk, keys.RS256.publicJwk] }));
      } else {
        res.writeHead(404).end();
      }
    }, latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

  return {
    issuer,
    async sign(claims = {}, signOptions = {}) {
      const alg = signOptions.alg ?? 'ES256';
      const key = signOptions.foreignKey ? foreign[alg] : keys[alg];
      const now = Math.floor(Date.now() / 1000);
      jtiCounter += 1;
      const header = signOptions.kid === null ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: signOptions.kid ?? key.kid };
      return new SignJWT({
        iss: issuer,
        sub: 'tenant:acme:workload:reporting',
        aud: 'sts.amazonaws.com',
        iat: now,
        exp: now + 300,
        jti: `test-${jtiCounter}`,
        ...claims,
      })
        .setProtectedHeader(header)
        .sign(key.privateKey);
    },
    setCacheControl(value) {
      cacheControl = value;
    },
    setOffline(value) {
      offline = value;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    async rotate() {
      generation += 1;
      keys = { ES256: await keyPair('ES256', `es-${generation}`), RS256: await keyPair('RS256', `rs-${generation}`) };
    },
    jwksFetches: () => fetches,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
