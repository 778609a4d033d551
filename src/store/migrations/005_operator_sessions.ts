import type { Kysely, Migration } from 'kysely';

/**
 * Operator sign-in with the IdP: pending sign-ins (state, PKCE verifier, nonce) and the sessions they become,
 * in the database so any replica serves the callback and every later request. Secrets only as SHA-256 hex.
 */
export const operatorSessions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('operator_sign_ins')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('return_to', 'text', (c) => c.notNull())
      .addColumn('cli_redirect', 'text')
      .addColumn('cli_challenge', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('operator_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('csrf_hash', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('grants', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('handoff_hash', 'text', (c) => c.unique())
      .addColumn('handoff_challenge', 'text')
      .addColumn('handoff_expires_at', 'text')
      .execute();
  },
};
