import { sign, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from './signing_key.js';
import type { SigningWorker } from './signing_worker.js';

/**
 * Signs JWTs with one key. Asynchronous, so that keys sealed locally and keys held in AWS KMS share one path
 * (see kms_key_custody). For local keys the protected header is encoded once per key, the key is a cached
 * KeyObject, and signatures are made on the signing thread in batches (or inline, without a worker).
 * ES256 signatures are IEEE P1363 (r||s), as JWS requires; RS256 is PKCS#1 v1.5 over SHA-256.
 */
export interface TokenSigner {
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  sign(claims: object): Promise<string>;
  /** Signs an already serialized JSON payload (the hot path builds it from cached fragments). */
  signPayload(json: string): Promise<string>;
}

/** The JWS protected header of every token a key signs, base64url-encoded. */
export function encodedJwtHeader(kid: string, algorithm: SigningAlgorithm): string {
  return Buffer.from(JSON.stringify({ alg: algorithm, typ: 'JWT', kid })).toString('base64url');
}

export function createTokenSigner(kid: string, algorithm: SigningAlgorithm, privateKey: KeyObject, worker?: SigningWorker): TokenSigner {
  const encodedHeader = encodedJwtHeader(kid, algorithm);
  const options = algorithm === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const } : privateKey;
  worker?.addKey(kid, algorithm, privateKey);
  const signPayload = worker
    ? async (json: string): Promise<string> => {
        const signingInput = `${encodedHeader}.${Buffer.from(json).toString('base64url')}`;
        return `${signingInput}.${await worker.sign(kid, signingInput)}`;
      }
    : async (json: string): Promise<string> => {
        const signingInput = `${encodedHeader}.${Buffer.from(json).toString('base64url')}`;
        return `${signingInput}.${sign('sha256', Buffer.from(signingInput), options).toString('base64url')}`;
      };
  return { kid, algorithm, signPayload, sign: (claims) => signPayload(JSON.stringify(claims)) };
}
