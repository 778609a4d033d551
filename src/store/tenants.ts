import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface TenantRecord {
  id: string;
  name: string;
  signingAlgorithm: string;
  createdAt: string;
}

export class TenantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(tenant: TenantRecord): Promise<void> {
    await this.db
      .insertInto('tenants')
      .values({ id: tenant.id, name: tenant.name, signing_algorithm: tenant.signingAlgorithm, created_at: tenant.createdAt })
      .execute();
  }

  async find(id: string): Promise<TenantRecord | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, name: row.name, signingAlgorithm: row.signing_algorithm, createdAt: row.created_at };
  }

  async list(): Promise<TenantRecord[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, signingAlgorithm: row.signing_algorithm, createdAt: row.created_at }));
  }
}
