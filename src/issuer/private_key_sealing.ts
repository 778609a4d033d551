import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { RolebridgeError } from '../core/index.js';

/**
 * Private signing keys at rest: AES-256-GCM under the 32-byte master key. The additional authenticated
 * data binds the ciphertext to its row (tenant id + kid), so a sealed key copied into another tenant's
 * row does not open. Layout (base64url): version byte | 12-byte IV | 16-byte tag | ciphertext(PKCS#8 DER).
 */
const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealingContext {
  tenantId: string;
  kid: string;
}

function additionalData({ tenantId, kid }: SealingContext): Buffer {
  return Buffer.from(`rolebridge-signing-key\u0000v${FORMAT_VERSION}\u0000${tenantId}\u0000${kid}`, 'utf8');
}

function assertMasterKey(masterKey: Buffer): void {
  if (masterKey.length !== 32) throw new RolebridgeError('invalid_master_key', 'The master key must be 32 bytes.', { status: 500 });
}

export function sealPrivateKey(masterKey: Buffer, privateKey: KeyObject, context: SealingContext): string {
  assertMasterKey(masterKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(context));
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  der.fill(0);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

/** Whether `sealed` is this file's format (a key sealed under the master key, not one held elsewhere). */
export function isSealedLocally(sealed: string): boolean {
  const bytes = Buffer.from(sealed, 'base64url');
  return bytes[0] === FORMAT_VERSION && bytes.length > 1 + IV_BYTES + TAG_BYTES;
}

/** Opens a sealed key; a wrong master key, a tampered ciphertext or a moved row all fail the same way. */
export function openPrivateKey(masterKey: Buffer, sealed: string, context: SealingContext): KeyObject {
  assertMasterKey(masterKey);
  const bytes = Buffer.from(sealed, 'base64url');
  try {
    if (bytes[0] !== FORMAT_VERSION || bytes.length <= 1 + IV_BYTES + TAG_BYTES) throw new Error('unknown format');
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(tag);
    const der = Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    return key;
  } catch (cause) {
    // Never say more: which part failed is an oracle, and the key material must not reach a log.
    throw new RolebridgeError(
      'signing_key_unreadable',
      `The private signing key ${context.kid} of tenant ${context.tenantId} cannot be decrypted (wrong ROLEBRIDGE_MASTER_KEY or a modified row).`,
      { status: 500, expose: false, cause: cause instanceof Error ? new Error(cause.message) : undefined },
    );
  }
}
