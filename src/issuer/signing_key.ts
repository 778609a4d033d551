import { generateKeyPair, type KeyObject, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint } from 'jose';
import { InvalidInputError } from '../core/index.js';

export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'ES256';
/** RS256 keys below 2048 bits are refused by most verifiers (and by us). */
export const RSA_MODULUS_BITS = 2048;

/** The public half as published in the JWKS. */
export interface PublicJwk {
  kty: 'EC' | 'RSA';
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

export interface SigningKeyPair {
  kid: string;
  algorithm: SigningAlgorithm;
  publicJwk: PublicJwk;
  privateKey: KeyObject;
}

const generate = promisify(generateKeyPair);

export function assertSigningAlgorithm(value: string): SigningAlgorithm {
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(value)) {
    throw new InvalidInputError('invalid_signing_algorithm', `signingAlgorithm must be one of ${SIGNING_ALGORITHMS.join(', ')}.`, {
      signingAlgorithm: value,
    });
  }
  return value as SigningAlgorithm;
}

/** Generates a fresh key pair (off the event loop: RSA generation takes tens of milliseconds). */
export async function generateSigningKey(algorithm: SigningAlgorithm = DEFAULT_SIGNING_ALGORITHM): Promise<SigningKeyPair> {
  const { privateKey } =
    algorithm === 'ES256'
      ? await generate('ec', { namedCurve: 'P-256' })
      : await generate('rsa', { modulusLength: RSA_MODULUS_BITS, publicExponent: 0x10001 });
  return signingKeyFromPrivateKey(privateKey, algorithm);
}

/** Derives the public JWK and `kid` (RFC 7638 SHA-256 thumbprint) from a private key. */
export async function signingKeyFromPrivateKey(privateKey: KeyObject, algorithm: SigningAlgorithm): Promise<SigningKeyPair> {
  const publicJwk = await publicJwkOf(privateKey, algorithm);
  return { kid: publicJwk.kid, algorithm, publicJwk, privateKey };
}

/** The public JWK and RFC 7638 `kid` of a key (private or public: only the public members are read). */
export async function publicJwkOf(key: KeyObject, algorithm: SigningAlgorithm): Promise<PublicJwk> {
  const exported: JsonWebKey = key.export({ format: 'jwk' });
  if (algorithm === 'ES256') {
    if (exported.kty !== 'EC' || exported.crv !== 'P-256') throw new Error('ES256 needs a P-256 key');
    const members = { kty: 'EC' as const, crv: 'P-256', x: String(exported.x), y: String(exported.y) };
    const kid = await calculateJwkThumbprint(members, 'sha256');
    return { ...members, kid, alg: algorithm, use: 'sig' };
  }
  if (exported.kty !== 'RSA') throw new Error('RS256 needs an RSA key');
  const members = { kty: 'RSA' as const, n: String(exported.n), e: String(exported.e) };
  if (Buffer.from(members.n, 'base64url').length * 8 < RSA_MODULUS_BITS) throw new Error('RS256 keys must have at least 2048 bits');
  const kid = await calculateJwkThumbprint(members, 'sha256');
  return { kty: 'RSA', kid, alg: algorithm, use: 'sig', n: members.n, e: members.e };
}
