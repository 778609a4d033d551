import { randomBytes } from 'node:crypto';
import { hashSecret, type Store } from '../store/index.js';

const BOOTSTRAP_FROM_VARIABLE = 'bootstrap (ROLEBRIDGE_ADMIN_TOKEN)';
const BOOTSTRAP_GENERATED = 'bootstrap (generated)';
const BOOTSTRAP_NAMES = new Set([BOOTSTRAP_FROM_VARIABLE, BOOTSTRAP_GENERATED]);

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
    await store.transaction(async (tx) => {
      // The bootstrap key follows the variable: an earlier bootstrap token (set or generated) stops working now.
      for (const key of await tx.apiKeys.list()) {
        if (!BOOTSTRAP_NAMES.has(key.name) || key.revokedAt !== null || key.secretHash === hash) continue;
        await tx.apiKeys.revoke(key.id, createdAt);
        await tx.audit.record({
          tenantId: null,
          actor: 'system:bootstrap',
          action: 'api_key.revoked',
          target: key.id,
          details: { name: key.name, reason: 'ROLEBRIDGE_ADMIN_TOKEN changed: the previous bootstrap key was replaced at start' },
        });
      }
      if (await tx.apiKeys.findBySecretHash(hash)) return;
      await tx.apiKeys.insert({ id, tenantId: null, name: BOOTSTRAP_FROM_VARIABLE, role: 'admin', secretHash: hash, createdAt, revokedAt: null });
      await tx.audit.record({ tenantId: null, actor: 'system:bootstrap', action: 'api_key.created', target: id, details: { name: BOOTSTRAP_FROM_VARIABLE, role: 'admin' } });
    });
    return {};
  }
  if ((await store.apiKeys.countActive()) > 0) return {};
  const token = `rb_admin_${randomBytes(32).toString('base64url')}`;
  const hash = hashSecret(token);
  await store.apiKeys.insert({
    id,
    tenantId: null,
    name: BOOTSTRAP_GENERATED,
    role: 'admin',
    secretHash: hash,
    createdAt,
    revokedAt: null,
  });
  return { generatedToken: token };
}
