import { randomBytes } from 'node:crypto';

/**
 * A workload's id (immutable, used in subjects: `[a-z0-9_]`, well inside the subject value alphabet) and
 * its secret: 256 random bits, shown once, stored as SHA-256 (store/secret_hash). The `rbw_` prefix
 * makes a leaked secret recognisable to secret scanners.
 */
export function newWorkloadId(): string {
  return `wl_${randomBytes(10).toString('hex')}`;
}

export function newWorkloadSecret(): string {
  return `rbw_${randomBytes(32).toString('base64url')}`;
}
