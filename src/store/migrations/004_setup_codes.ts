import type { Kysely, Migration } from 'kysely';

/**
 * Set-up codes: single-use, short-lived codes an admin hands a customer for `rolebridge setup aws`. One row
 * holds the code and, once it was exchanged, the set-up session it became; both only as SHA-256 hashes.
 */
export const setupCodes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('setup_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('token_config', 'text', (c) => c.notNull())
      .addColumn('scope', 'text')
      .addColumn('connection', 'text')
      .addColumn('code_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('session_hash', 'text', (c) => c.unique())
      .addColumn('session_expires_at', 'text')
      .execute();
  },
};
