import fc from 'fast-check';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derToJoseSignature } from '../../src/issuer/der_signature.js';
import { ConcurrencyLimit } from '../../src/issuer/concurrency_limit.js';

describe('derToJoseSignature', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('turns any DER ECDSA signature into the r||s form JWS verifiers accept', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (message) => {
        const der = sign('sha256', message, privateKey);
        const jose = derToJoseSignature(der, 32);
        expect(jose).toHaveLength(64);
        expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what is not a DER signature', () => {
    expect(() => derToJoseSignature(Buffer.from([0x31, 0x02, 0x02, 0x00]))).toThrow(/DER/);
    expect(() => derToJoseSignature(Buffer.from([0x30, 0x08, 0x02, 0x02, 0x01]))).toThrow(/DER/);
  });
});

describe('ConcurrencyLimit', () => {
  it('never runs more than its limit at once, and runs every task', async () => {
    const limit = new ConcurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        limit.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(limit.pending).toBe(0);
  });

  it('a failing task frees its slot', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(() => Promise.resolve('next'))).toBe('next');
  });
});
