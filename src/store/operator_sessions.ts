import type { Kysely, Selectable } from 'kysely';
import type { Database, OperatorSessionsTable, OperatorSignInsTable } from './schema.js';

/** A sign-in in progress, found by the SHA-256 of its `state`. */
export interface OperatorSignInRecord {
  stateHash: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
  cliRedirect: string | null;
  cliChallenge: string | null;
  createdAt: string;
  expiresAt: string;
}

/** An operator session: the actor and grants are JSON texts the access room reads. */
export interface OperatorSessionRecord {
  id: string;
  tokenHash: string;
  csrfHash: string;
  actor: string;
  grants: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  endedAt: string | null;
  handoffHash: string | null;
  handoffChallenge: string | null;
  handoffExpiresAt: string | null;
}

function signInFromRow(row: Selectable<OperatorSignInsTable>): OperatorSignInRecord {
  return {
    stateHash: row.state_hash,
    codeVerifier: row.code_verifier,
    nonce: row.nonce,
    redirectUri: row.redirect_uri,
    returnTo: row.return_to,
    cliRedirect: row.cli_redirect,
    cliChallenge: row.cli_challenge,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function sessionFromRow(row: Selectable<OperatorSessionsTable>): OperatorSessionRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    csrfHash: row.csrf_hash,
    actor: row.actor,
    grants: row.grants,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
    handoffHash: row.handoff_hash,
    handoffChallenge: row.handoff_challenge,
    handoffExpiresAt: row.handoff_expires_at,
  };
}

export class OperatorSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertSignIn(record: OperatorSignInRecord): Promise<void> {
    await this.db
      .insertInto('operator_sign_ins')
      .values({
        state_hash: record.stateHash,
        code_verifier: record.codeVerifier,
        nonce: record.nonce,
        redirect_uri: record.redirectUri,
        return_to: record.returnTo,
        cli_redirect: record.cliRedirect,
        cli_challenge: record.cliChallenge,
        created_at: record.createdAt,
        expires_at: record.expiresAt,
      })
      .execute();
  }

  /** Takes a sign-in out (single use: a replayed `state` finds nothing), and drops expired ones on the way. */
  async takeSignIn(stateHash: string, now: string): Promise<OperatorSignInRecord | undefined> {
    await this.db.deleteFrom('operator_sign_ins').where('expires_at', '<=', now).execute();
    const row = await this.db.deleteFrom('operator_sign_ins').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
    return row && signInFromRow(row);
  }

  async insertSession(record: OperatorSessionRecord): Promise<void> {
    await this.db
      .insertInto('operator_sessions')
      .values({
        id: record.id,
        token_hash: record.tokenHash,
        csrf_hash: record.csrfHash,
        actor: record.actor,
        grants: record.grants,
        created_at: record.createdAt,
        last_seen_at: record.lastSeenAt,
        expires_at: record.expiresAt,
        ended_at: record.endedAt,
        handoff_hash: record.handoffHash,
        handoff_challenge: record.handoffChallenge,
        handoff_expires_at: record.handoffExpiresAt,
      })
      .execute();
  }

  async findByTokenHash(tokenHash: string): Promise<OperatorSessionRecord | undefined> {
    const row = await this.db.selectFrom('operator_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && sessionFromRow(row);
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('operator_sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async end(id: string, at: string): Promise<void> {
    await this.db.updateTable('operator_sessions').set({ ended_at: at }).where('id', '=', id).where('ended_at', 'is', null).execute();
  }

  /** Takes the CLI hand-off code out of its session (single use, even when two replicas race) and returns that session as it was. */
  async takeHandoff(handoffHash: string): Promise<OperatorSessionRecord | undefined> {
    const row = await this.db.selectFrom('operator_sessions').selectAll().where('handoff_hash', '=', handoffHash).executeTakeFirst();
    if (!row) return undefined;
    const taken = await this.db
      .updateTable('operator_sessions')
      .set({ handoff_hash: null, handoff_challenge: null, handoff_expires_at: null })
      .where('id', '=', row.id)
      .where('handoff_hash', '=', handoffHash)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? sessionFromRow(row) : undefined;
  }
}
