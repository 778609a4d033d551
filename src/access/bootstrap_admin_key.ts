import { randomBytes } from 'node:crypto';
import { hashSecret, type Store } from '../store/index.js';

export interface BootstrapResult {
  /** Set only when a token was generated now: print it once, it is not stored anywhere readable. */
  generatedToken?: string;
}

/**
 * Makes sure an admin can get in: ROLEBRIDGE_ADMIN_TOKEN is registered (by its hash) when given; otherwise,
 * when no admin key exists at all, one is generated and returned to be printed once.
 */
export async function ensureBootstrapAdminKey(store: Store, adminToken: string | undefined, now: number): Promise<BootstrapResult> {
  const createdAt = new Date(now).toISOString();
  // Random, not derived from the token: the id is shown in key lists and audit actors (`admin:<id>`), and a
  // prefix of the token's SHA-256 there would let anyone reading them test guesses of a chosen token offline.
  const id = `key-bootstrap-${randomBytes(6).toString('hex')}`;
  if (adminToken) {
    const hash = hashSecret(adminToken);
    if (await store.apiKeys.findBySecretHash(hash)) return {};
    await store.apiKeys.insert({
      id,
      tenantId: null,
      name: 'bootstrap (ROLEBRIDGE_ADMIN_TOKEN)',
      role: 'admin',
      secretHash: hash,
      createdAt,
      revokedAt: null,
    });
    return {};
  }
  if ((await store.apiKeys.countActive()) > 0) return {};
  const token = `rb_admin_${randomBytes(32).toString('base64url')}`;
  const hash = hashSecret(token);
  await store.apiKeys.insert({
    id,
    tenantId: null,
    name: 'bootstrap (generated)',
    role: 'admin',
    secretHash: hash,
    createdAt,
    revokedAt: null,
  });
  return { generatedToken: token };
}
