import type { SigningKeyRecord } from '../store/index.js';

/**
 * Whether two reads of a tenant's key rows are the same keys in the same states: a reload that finds them
 * unchanged can keep what was built from them (the opened private key, the document bytes) instead of
 * decrypting and serializing again. The public JWK is compared by kid (a kid names one key for good).
 */
export function sameKeyRows(before: readonly SigningKeyRecord[], after: readonly SigningKeyRecord[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before[i] as SigningKeyRecord;
    const b = after[i] as SigningKeyRecord;
    if (
      a.kid !== b.kid ||
      a.algorithm !== b.algorithm ||
      a.sealedPrivateKey !== b.sealedPrivateKey ||
      a.kmsKeyArn !== b.kmsKeyArn ||
      a.createdAt !== b.createdAt ||
      a.activatedAt !== b.activatedAt ||
      a.retiredAt !== b.retiredAt ||
      a.revokedAt !== b.revokedAt
    ) {
      return false;
    }
  }
  return true;
}
