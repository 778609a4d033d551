import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from './schema.js';

/** The operator roles (src/access's permission table): `viewer` reads, `operator` also tests and rotates, `admin` changes. */
export type ApiKeyRole = 'admin' | 'operator' | 'viewer';

export interface ApiKeyRecord {
  id: string;
  tenantId: string | null;
  name: string;
  role: ApiKeyRole;
  secretHash: string;
  createdAt: string;
  revokedAt: string | null;
}

function fromRow(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    // Unknown stored values read as the weakest role (fail closed).
    role: row.role === 'admin' || row.role === 'operator' ? row.role : 'viewer',
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: ApiKeyRecord): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        tenant_id: key.tenantId,
        name: key.name,
        role: key.role,
        secret_hash: key.secretHash,
        created_at: key.createdAt,
        revoked_at: key.revokedAt,
      })
      .execute();
  }

  async findBySecretHash(secretHash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row && fromRow(row);
  }

  async find(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /** Live keys that can administer every tenant: the last one may not be revoked. */
  async countActiveGlobalAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('revoked_at', 'is', null)
      .where('role', '=', 'admin')
      .where('tenant_id', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async countActive(): Promise<number> {
    const row = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async revoke(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).execute();
  }
}
