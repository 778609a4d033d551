import { sign, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from './signing_key.js';
import type { SigningWorker } from './signing_worker.js';

/**
 * Signs JWTs with one key on the hot path: the protected header is encoded once per key, the key is a
 * cached KeyObject, and signing calls node:crypto directly (no WebCrypto promise, no thread pool hop).
 * ES256 signatures are IEEE P1363 (r||s), as JWS requires; RS256 is PKCS#1 v1.5 over SHA-256.
 */
export interface TokenSigner {
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  sign(claims: object): string;
  /** Signs an already serialized JSON payload (the hot path builds it from cached fragments). */
  signPayload(json: string): string;
  /** The same, on the signing thread when there is one (the token endpoint uses this). */
  signPayloadAsync(json: string): Promise<string>;
}

export function createTokenSigner(kid: string, algorithm: SigningAlgorithm, privateKey: KeyObject, worker?: SigningWorker): TokenSigner {
  const encodedHeader = Buffer.from(JSON.stringify({ alg: algorithm, typ: 'JWT', kid })).toString('base64url');
  const options = algorithm === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const } : privateKey;
  const signPayload = (json: string): string => {
    const signingInput = `${encodedHeader}.${Buffer.from(json).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(signingInput), options);
    return `${signingInput}.${signature.toString('base64url')}`;
  };
  worker?.addKey(kid, algorithm, privateKey);
  const signPayloadAsync = worker
    ? async (json: string): Promise<string> => {
        const signingInput = `${encodedHeader}.${Buffer.from(json).toString('base64url')}`;
        return `${signingInput}.${await worker.sign(kid, signingInput)}`;
      }
    : async (json: string): Promise<string> => signPayload(json);
  return { kid, algorithm, signPayload, signPayloadAsync, sign: (claims) => signPayload(JSON.stringify(claims)) };
}
