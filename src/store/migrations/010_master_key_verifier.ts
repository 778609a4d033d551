import type { Kysely, Migration } from 'kysely';

/**
 * The master key's verifier: an HMAC of a fixed label under the master key, never the key itself. A server
 * compares it before serving, so a wrong key is refused at start instead of sealing new keys under it. While
 * `rolebridge keys rewrap` runs, `rewrap_verifier` names the key the rows are being moved to (resumable).
 */
export const masterKeyVerifier: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('master_key_verifier')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('verifier', 'text', (c) => c.notNull())
      .addColumn('rewrap_verifier', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
