import { createHash } from 'node:crypto';
import { CLAIMS_SUPPORTED } from './token_claims.js';
import type { PublicJwk, SigningAlgorithm } from './signing_key.js';

/**
 * Discovery and JWKS are immutable between key changes, so each is built once into the exact bytes
 * sent, with a strong ETag and Cache-Control; serving one is a lookup and a write.
 */
export interface ServedDocument {
  readonly body: Buffer;
  readonly etag: string;
  readonly cacheControl: string;
  /** `body.length` as the header value, so a server writing the bytes itself formats nothing. */
  readonly contentLength: string;
}

export interface IssuerDocuments {
  readonly issuer: string;
  readonly discovery: ServedDocument;
  readonly jwks: ServedDocument;
}

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/.well-known/jwks.json';

function served(value: unknown, maxAgeSeconds: number): ServedDocument {
  const body = Buffer.from(JSON.stringify(value));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  return { body, etag, cacheControl: `public, max-age=${maxAgeSeconds}`, contentLength: String(body.length) };
}

/** `keys` must already be the published keys in JWKS order (see key_rotation.publishedKeys). */
export function buildIssuerDocuments(issuer: string, keys: readonly PublicJwk[], maxAgeSeconds: number): IssuerDocuments {
  const algorithms: SigningAlgorithm[] = [...new Set(keys.map((k) => k.alg))].sort();
  const discovery = {
    issuer,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algorithms.length > 0 ? algorithms : ['ES256'],
    claims_supported: [...CLAIMS_SUPPORTED],
    scopes_supported: ['openid'],
  };
  return { issuer, discovery: served(discovery, maxAgeSeconds), jwks: served({ keys }, maxAgeSeconds) };
}

/** Whether an `If-None-Match` header matches (weak comparison, as RFC 9110 prescribes for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
