import { createHmac } from 'node:crypto';
import { RolebridgeError, type ErrorCode } from '../core/index.js';

/**
 * What the database keeps to recognise the master key: HMAC-SHA256 of a fixed label under the key. It tells
 * whether a key is the right one and nothing about the key (32 random bytes cannot be guessed from it).
 */
export function masterKeyVerifier(masterKey: Buffer): string {
  return `v1:${createHmac('sha256', masterKey).update('rolebridge master key verifier v1').digest('base64url')}`;
}

/** The server cannot run with this master key; the CLI ends with exit 2 and this message. */
export class MasterKeyError extends RolebridgeError {
  constructor(code: ErrorCode, message: string) {
    // A configuration mistake: the CLI ends with exit 2 (bad input), the message on stderr.
    super(code, message, { status: 400 });
  }
}
