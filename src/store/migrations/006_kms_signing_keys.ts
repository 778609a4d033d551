import type { Kysely, Migration } from 'kysely';

/**
 * Signing keys held in AWS KMS: the row keeps the key's ARN (and its public JWK, as every key does) and no
 * private material (`private_key_ciphertext` is empty). Null for keys sealed under the master key.
 */
export const kmsSigningKeys: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('signing_keys').addColumn('kms_key_arn', 'text').execute();
  },
};
