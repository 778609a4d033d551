import { InvalidInputError } from '../core/index.js';
import { AWS_TAGS_CLAIM } from './session_tags.js';

/**
 * Claim names. The workload's attributes are plain top-level claims so verifiers other than AWS (and
 * humans reading a token) see where it came from; AWS itself only exposes `aud` and `sub` (and session
 * tags) to trust policies, which is why the subject template matters.
 */
export const WORKLOAD_CLAIMS = ['tenant_id', 'workload_id', 'deployment', 'component', 'region'] as const;
const REGISTERED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', 'azp', 'nonce', 'auth_time', 'at_hash', 'c_hash', 'sid', 'cnf'];
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  ...REGISTERED_CLAIMS,
  ...WORKLOAD_CLAIMS,
  AWS_TAGS_CLAIM,
  'https://aws.amazon.com/source_identity',
]);
export const CLAIMS_SUPPORTED = ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', ...WORKLOAD_CLAIMS] as const;

const CLAIM_NAME_PATTERN = /^[A-Za-z0-9_.:/\-]{1,128}$/;
const MAX_STATIC_CLAIMS_BYTES = 4096;

/**
 * Validates a token config's extra static claims: names are not reserved (a static `sub` or `aud`
 * would silently undo the subject template), values are JSON, and the whole stays small enough for
 * HTTP headers and STS.
 */
export function assertStaticClaims(claims: Record<string, unknown>): Record<string, unknown> {
  for (const name of Object.keys(claims)) {
    if (RESERVED_CLAIMS.has(name)) {
      throw new InvalidInputError('reserved_claim', `The claim '${name}' is set by rolebridge and cannot be configured.`, { claim: name });
    }
    if (!CLAIM_NAME_PATTERN.test(name)) {
      throw new InvalidInputError('invalid_claim_name', 'Claim names are 1–128 letters, digits and _ . : / -.', { claim: name.slice(0, 140) });
    }
  }
  const size = Buffer.byteLength(JSON.stringify(claims));
  if (size > MAX_STATIC_CLAIMS_BYTES) {
    throw new InvalidInputError('claims_too_large', `Static claims must serialize to at most ${MAX_STATIC_CLAIMS_BYTES} bytes.`, { bytes: size });
  }
  return claims;
}
