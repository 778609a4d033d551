import type { Kysely, Selectable } from 'kysely';
import type { Database, SetupCodesTable } from './schema.js';

/** A set-up code as stored: never the code or the session token, only their SHA-256. */
export interface SetupCodeRecord {
  id: string;
  tenantId: string;
  tokenConfig: string;
  scope: string | null;
  connection: string | null;
  codeHash: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  sessionHash: string | null;
  sessionExpiresAt: string | null;
}

export type NewSetupCode = Omit<SetupCodeRecord, 'usedAt' | 'sessionHash' | 'sessionExpiresAt'>;

/** What exchanging a code writes: when it was used and the session it became. */
export interface SetupCodeExchange {
  codeHash: string;
  /** ISO timestamp of the exchange; the code must expire after it. */
  usedAt: string;
  sessionHash: string;
  sessionExpiresAt: string;
}

function fromRow(row: Selectable<SetupCodesTable>): SetupCodeRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    tokenConfig: row.token_config,
    scope: row.scope,
    connection: row.connection,
    codeHash: row.code_hash,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    sessionHash: row.session_hash,
    sessionExpiresAt: row.session_expires_at,
  };
}

export class SetupCodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(code: NewSetupCode): Promise<void> {
    await this.db
      .insertInto('setup_codes')
      .values({
        id: code.id,
        tenant_id: code.tenantId,
        token_config: code.tokenConfig,
        scope: code.scope,
        connection: code.connection,
        code_hash: code.codeHash,
        created_by: code.createdBy,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
        used_at: null,
        session_hash: null,
        session_expires_at: null,
      })
      .execute();
  }

  /**
   * Marks an unused, unexpired code used and attaches its session, in one conditional UPDATE, so two
   * concurrent exchanges of the same code cannot both succeed (on SQLite and PostgreSQL alike).
   * Returns false when the code is unknown, used or expired; `findByCodeHash` tells which.
   */
  async consume(exchange: SetupCodeExchange): Promise<boolean> {
    const result = await this.db
      .updateTable('setup_codes')
      .set({ used_at: exchange.usedAt, session_hash: exchange.sessionHash, session_expires_at: exchange.sessionExpiresAt })
      .where('code_hash', '=', exchange.codeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', exchange.usedAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async findByCodeHash(codeHash: string): Promise<SetupCodeRecord | undefined> {
    const row = await this.db.selectFrom('setup_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    return row && fromRow(row);
  }

  async findBySessionHash(sessionHash: string): Promise<SetupCodeRecord | undefined> {
    const row = await this.db.selectFrom('setup_codes').selectAll().where('session_hash', '=', sessionHash).executeTakeFirst();
    return row && fromRow(row);
  }
}
