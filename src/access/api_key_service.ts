import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError } from '../core/index.js';
import { hashSecret, type ApiKeyRecord, type ApiKeyRole, type Store } from '../store/index.js';

export interface NewApiKey {
  name: string;
  role: ApiKeyRole;
  /** Limits the key to one tenant; absent: every tenant. */
  tenant?: string;
}

/** Who asked, for the audit record. */
export interface ApiKeyChangeBy {
  /** The audit actor text (`actorOf(request)`). */
  actor: string;
  requestId: string;
}

/**
 * API keys beyond the bootstrap one: issue (the key is returned once, stored only as its hash), list, revoke.
 * Every change is audited in the same transaction; the last key that administers every tenant stays.
 */
export class ApiKeyService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    /** Called after a revocation so this replica's authenticator forgets the key at once. */
    private readonly onRevoked: () => void = () => {},
  ) {}

  async issue(input: NewApiKey, by: ApiKeyChangeBy): Promise<{ key: ApiKeyRecord; token: string }> {
    const { name, role, tenant } = input;
    if (tenant !== undefined && !(await this.store.tenants.find(tenant))) {
      throw new NotFoundError('tenant_not_found', `No tenant ${tenant}.`, { tenant });
    }
    const token = `rb_${role === 'viewer' ? 'view' : role}_${randomBytes(32).toString('base64url')}`;
    const key: ApiKeyRecord = {
      id: `key-${randomBytes(8).toString('hex')}`,
      tenantId: tenant ?? null,
      name,
      role,
      secretHash: hashSecret(token),
      createdAt: new Date(this.now()).toISOString(),
      revokedAt: null,
    };
    await this.store.transaction(async (tx) => {
      await tx.apiKeys.insert(key);
      await tx.audit.record({
        tenantId: key.tenantId,
        actor: by.actor,
        action: 'api_key.created',
        target: key.id,
        requestId: by.requestId,
        details: { name, role, tenant: key.tenantId },
      });
    });
    return { key, token };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.store.apiKeys.list();
  }

  /** Revokes a key at once; revoking a revoked key answers it as it is. */
  async revoke(id: string, by: ApiKeyChangeBy): Promise<ApiKeyRecord> {
    const key = await this.store.apiKeys.find(id);
    if (!key) throw new NotFoundError('api_key_not_found', `No API key ${id}.`, { id });
    if (key.revokedAt !== null) return key;
    if (key.role === 'admin' && key.tenantId === null && (await this.store.apiKeys.countActiveGlobalAdmins()) <= 1) {
      throw new ConflictError('last_admin_key', 'This is the last admin key for every tenant; issue another before revoking it.', { id: key.id });
    }
    const revokedAt = new Date(this.now()).toISOString();
    await this.store.transaction(async (tx) => {
      await tx.apiKeys.revoke(key.id, revokedAt);
      await tx.audit.record({ tenantId: key.tenantId, actor: by.actor, action: 'api_key.revoked', target: key.id, requestId: by.requestId, details: { name: key.name } });
    });
    // Revocation takes effect at once on this replica (others within the authenticator's cache lifetime).
    this.onRevoked();
    return { ...key, revokedAt };
  }
}
