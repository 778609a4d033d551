import { afterEach, describe, expect, it } from 'vitest';
import { importJWK, jwtVerify } from 'jose';
import { generateSigningKey } from '../../src/issuer/signing_key.js';
import { SigningWorker } from '../../src/issuer/signing_worker.js';
import { createTokenSigner } from '../../src/issuer/token_signer.js';

let worker: SigningWorker | undefined;
afterEach(async () => worker?.close());

describe('signing thread', () => {
  it('signs many concurrent tokens with several keys, each verifiable with its own key', async () => {
    worker = new SigningWorker();
    const keys = await Promise.all([generateSigningKey('ES256'), generateSigningKey('RS256')]);
    const signers = keys.map((k) => createTokenSigner(k.kid, k.algorithm, k.privateKey, worker));
    const tokens = await Promise.all(
      Array.from({ length: 200 }, (_, i) => signers[i % 2]!.signPayload(JSON.stringify({ sub: `s${i}`, n: i }))),
    );
    for (const [i, token] of tokens.entries()) {
      const key = keys[i % 2]!;
      const { payload, protectedHeader } = await jwtVerify(token, await importJWK(key.publicJwk, key.algorithm));
      expect(payload).toEqual({ sub: `s${i}`, n: i });
      expect(protectedHeader.kid).toBe(key.kid);
    }
  });

  it('the thread and inline signing produce the same header and payload', async () => {
    worker = new SigningWorker();
    const key = await generateSigningKey('ES256');
    const viaThread = await createTokenSigner(key.kid, 'ES256', key.privateKey, worker).signPayload('{"a":1}');
    const inline = await createTokenSigner(key.kid, 'ES256', key.privateKey).signPayload('{"a":1}');
    expect(viaThread.split('.').slice(0, 2)).toEqual(inline.split('.').slice(0, 2));
  });

  it('rejects signing with a key the thread does not hold', async () => {
    worker = new SigningWorker();
    await expect(worker.sign('unknown-kid', 'x.y')).rejects.toMatchObject({ code: 'no_signing_key' });
  });
});
