import { randomBytes } from 'node:crypto';

/** An opaque temporary database password in the shape Redshift hands out (base64, ~70 characters). */
export function temporaryDbPassword(): string {
  return randomBytes(52).toString('base64');
}
