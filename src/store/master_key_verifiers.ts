import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const ROW_ID = 'master';

export interface MasterKeyVerifierRecord {
  verifier: string;
  /** Set while `rolebridge keys rewrap` moves the keys to another master key. */
  rewrapVerifier: string | null;
}

/** The single row naming which master key seals the signing keys (a verifier, never the key). */
export class MasterKeyVerifierRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(): Promise<MasterKeyVerifierRecord | undefined> {
    const row = await this.db.selectFrom('master_key_verifier').selectAll().where('id', '=', ROW_ID).executeTakeFirst();
    return row ? { verifier: row.verifier, rewrapVerifier: row.rewrap_verifier } : undefined;
  }

  /** Records the first verifier; false when another process recorded one first. */
  async initialize(verifier: string, at: string): Promise<boolean> {
    const result = await this.db
      .insertInto('master_key_verifier')
      .values({ id: ROW_ID, verifier, rewrap_verifier: null, updated_at: at })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /**
   * Inside a key change's transaction: true when `verifier` is the current master key and no rewrap is under
   * way. The no-op update takes the row's lock on PostgreSQL, so a rewrap starting meanwhile waits for this
   * transaction and then sees its new key.
   */
  async holdForKeyChange(verifier: string): Promise<boolean> {
    const result = await this.db
      .updateTable('master_key_verifier')
      .set({ verifier })
      .where('id', '=', ROW_ID)
      .where('verifier', '=', verifier)
      .where('rewrap_verifier', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async beginRewrap(verifier: string, rewrapVerifier: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('master_key_verifier')
      .set({ rewrap_verifier: rewrapVerifier, updated_at: at })
      .where('id', '=', ROW_ID)
      .where('verifier', '=', verifier)
      .where((eb) => eb.or([eb('rewrap_verifier', 'is', null), eb('rewrap_verifier', '=', rewrapVerifier)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async finishRewrap(rewrapVerifier: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('master_key_verifier')
      .set({ verifier: rewrapVerifier, rewrap_verifier: null, updated_at: at })
      .where('id', '=', ROW_ID)
      .where('rewrap_verifier', '=', rewrapVerifier)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
