import { sql, type Kysely, type Selectable } from 'kysely';
import type { DialectName } from './open_database.js';
import type { Database, SigningKeysTable } from './schema.js';

/**
 * A tenant's signing key as stored. The life-cycle state is derived from the four timestamps (see
 * src/issuer key_rotation), so no row can hold a state that contradicts its times. The private key is
 * AES-256-GCM ciphertext bound to (tenant, kid); this room never sees it decrypted.
 */
export interface SigningKeyRecord {
  tenantId: string;
  kid: string;
  algorithm: string;
  /** The public JWK as published (JSON). */
  publicJwk: Record<string, unknown>;
  sealedPrivateKey: string;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  revokedAt: number | null;
}

function time(value: string | null): number | null {
  return value === null ? null : Date.parse(value);
}

function iso(value: number | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function fromRow(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    tenantId: row.tenant_id,
    kid: row.kid,
    algorithm: row.alg,
    publicJwk: JSON.parse(row.public_jwk) as Record<string, unknown>,
    sealedPrivateKey: row.private_key_ciphertext,
    createdAt: Date.parse(row.created_at),
    activatedAt: time(row.activated_at),
    retiredAt: time(row.retired_at),
    revokedAt: time(row.revoked_at),
  };
}

export class SigningKeyRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName = 'sqlite',
  ) {}

  /**
   * Makes this transaction the tenant's only key writer until it ends: two replicas rotating at once plan one
   * after the other, so the second sees the first's keys (and is refused) instead of adding a second next key.
   * PostgreSQL: a transaction-scoped advisory lock; SQLite: transactions of the one process are serialized already.
   */
  async lockTenant(tenantId: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(hashtext(${`rolebridge.signing_keys:${tenantId}`}))`.execute(this.db);
  }

  async insert(key: SigningKeyRecord): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        tenant_id: key.tenantId,
        kid: key.kid,
        alg: key.algorithm,
        public_jwk: JSON.stringify(key.publicJwk),
        private_key_ciphertext: key.sealedPrivateKey,
        created_at: new Date(key.createdAt).toISOString(),
        activated_at: iso(key.activatedAt),
        retired_at: iso(key.retiredAt),
        revoked_at: iso(key.revokedAt),
      })
      .execute();
  }

  /** Every key of the tenant that still exists (published, signing or revoked), oldest first. */
  async listForTenant(tenantId: string): Promise<SigningKeyRecord[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('kid')
      .execute();
    return rows.map(fromRow);
  }

  /** Tenants that have keys (the scheduled rotation walks them). */
  async tenantIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('signing_keys').select('tenant_id').distinct().orderBy('tenant_id').execute();
    return rows.map((row) => row.tenant_id);
  }

  async setTimes(
    tenantId: string,
    kid: string,
    times: Partial<Pick<SigningKeyRecord, 'activatedAt' | 'retiredAt' | 'revokedAt'>>,
  ): Promise<void> {
    const update: { activated_at?: string | null; retired_at?: string | null; revoked_at?: string | null } = {};
    if (times.activatedAt !== undefined) update.activated_at = iso(times.activatedAt);
    if (times.retiredAt !== undefined) update.retired_at = iso(times.retiredAt);
    if (times.revokedAt !== undefined) update.revoked_at = iso(times.revokedAt);
    await this.db.updateTable('signing_keys').set(update).where('tenant_id', '=', tenantId).where('kid', '=', kid).execute();
  }

  async remove(tenantId: string, kid: string): Promise<void> {
    await this.db.deleteFrom('signing_keys').where('tenant_id', '=', tenantId).where('kid', '=', kid).execute();
  }
}
