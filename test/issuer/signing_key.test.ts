import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, jwtVerify } from 'jose';
import { generateSigningKey } from '../../src/issuer/signing_key.js';
import { openPrivateKey, sealPrivateKey } from '../../src/issuer/private_key_sealing.js';
import { createTokenSigner } from '../../src/issuer/token_signer.js';
import { RolebridgeError } from '../../src/core/index.js';

describe('generateSigningKey', () => {
  it.each(['ES256', 'RS256'] as const)('%s: public JWK with an RFC 7638 kid, alg and use', async (alg) => {
    const key = await generateSigningKey(alg);
    expect(key.publicJwk.alg).toBe(alg);
    expect(key.publicJwk.use).toBe('sig');
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    if (alg === 'RS256') expect(Buffer.from(key.publicJwk.n!, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
    if (alg === 'ES256') expect(key.publicJwk.crv).toBe('P-256');
  });

  it.each(['ES256', 'RS256'] as const)('%s: tokens signed with node:crypto verify with jose', async (alg) => {
    const key = await generateSigningKey(alg);
    const signer = createTokenSigner(key.kid, alg, key.privateKey);
    const now = Math.floor(Date.now() / 1000);
    const token = await signer.sign({ iss: 'https://issuer.test', sub: 's:1', aud: 'sts.amazonaws.com', iat: now, exp: now + 60 });
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(key.publicJwk, alg), {
      issuer: 'https://issuer.test',
      audience: 'sts.amazonaws.com',
    });
    expect(payload.sub).toBe('s:1');
    expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: key.kid });
  });
});

describe('private key sealing (AES-256-GCM)', () => {
  const masterKey = randomBytes(32);

  function codeOf(fn: () => unknown): string | undefined {
    try {
      fn();
      return undefined;
    } catch (error) {
      return (error as RolebridgeError).code;
    }
  }

  it('round-trips, and the sealed form contains no key material', async () => {
    const key = await generateSigningKey('ES256');
    const sealed = sealPrivateKey(masterKey, key.privateKey, { tenantId: 'acme', kid: key.kid });
    const der = key.privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(Buffer.from(sealed, 'base64url').includes(der.subarray(-32))).toBe(false);
    const opened = openPrivateKey(masterKey, sealed, { tenantId: 'acme', kid: key.kid });
    expect(opened.export({ format: 'jwk' })).toEqual(key.privateKey.export({ format: 'jwk' }));
  });

  it('uses a fresh IV each time', async () => {
    const key = await generateSigningKey('ES256');
    const a = sealPrivateKey(masterKey, key.privateKey, { tenantId: 'acme', kid: key.kid });
    const b = sealPrivateKey(masterKey, key.privateKey, { tenantId: 'acme', kid: key.kid });
    expect(a).not.toBe(b);
  });

  it('refuses a ciphertext moved to another tenant or kid, a wrong master key, or a flipped bit', async () => {
    const key = await generateSigningKey('ES256');
    const sealed = sealPrivateKey(masterKey, key.privateKey, { tenantId: 'acme', kid: key.kid });
    expect(codeOf(() => openPrivateKey(masterKey, sealed, { tenantId: 'other', kid: key.kid }))).toBe('signing_key_unreadable');
    expect(codeOf(() => openPrivateKey(masterKey, sealed, { tenantId: 'acme', kid: 'another-kid' }))).toBe('signing_key_unreadable');
    expect(codeOf(() => openPrivateKey(randomBytes(32), sealed, { tenantId: 'acme', kid: key.kid }))).toBe('signing_key_unreadable');
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 5]! ^= 1;
    expect(codeOf(() => openPrivateKey(masterKey, bytes.toString('base64url'), { tenantId: 'acme', kid: key.kid }))).toBe(
      'signing_key_unreadable',
    );
  });

  it('never puts key material in the error', async () => {
    const key = await generateSigningKey('ES256');
    const sealed = sealPrivateKey(masterKey, key.privateKey, { tenantId: 'acme', kid: key.kid });
    try {
      openPrivateKey(randomBytes(32), sealed, { tenantId: 'acme', kid: key.kid });
    } catch (error) {
      expect(JSON.stringify((error as RolebridgeError).toJSON())).not.toContain(sealed.slice(10, 40));
      expect((error as RolebridgeError).expose).toBe(false);
    }
  });
});
