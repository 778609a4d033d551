import { createHash } from 'node:crypto';

/**
 * Secrets we hand out (workload secrets, admin API keys) carry 256 bits of entropy, so a plain SHA-256
 * is a safe and fast verifier (no password stretching needed) and doubles as the lookup key.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
