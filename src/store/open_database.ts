import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type MigrationProvider, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import { InvalidInputError, UnavailableError } from '../core/index.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
}

/** PostgreSQL pool settings (ignored by SQLite). */
export interface PoolOptions {
  /** Connections in this process's pool (default 10). */
  poolSize?: number;
  /** `statement_timeout` in ms for every connection; 0 or unset: none. */
  statementTimeoutMs?: number;
}

/** The dialect layer: the only place that knows which database is behind Kysely. */
export function openDatabase(databaseUrl: string, options: PoolOptions = {}): OpenDatabase {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (!path) throw new InvalidInputError('invalid_configuration', 'ROLEBRIDGE_DATABASE_URL: sqlite: needs a path or :memory:');
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    return { db: new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) }), dialect: 'sqlite' };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    });
    // A client that loses its server must not crash the process, idle (the pool's 'error') or checked out for a
    // query (the client's own 'error', which nobody else listens to): the query in flight rejects and reports it.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  throw new InvalidInputError('invalid_configuration', "ROLEBRIDGE_DATABASE_URL: expected 'sqlite:<path>' or 'postgres://…'");
}

/**
 * Transactions begin IMMEDIATE: they take the write lock first, waiting (busy_timeout) while another connection
 * writes. The audit writer thread is a second connection to the same file; a deferred transaction that read
 * before that thread committed could not take the write lock afterwards (SQLITE_BUSY at once, no waiting).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Applies every pending migration and answers the names this call applied. Safe from several replicas
 * starting at once: Kysely runs the migrations in one transaction under a lock (PostgreSQL: an advisory
 * transaction lock), so the first applies them and the others find nothing left to do.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new UnavailableError('migration_failed', `Database migration ${failed ?? ''} failed: ${(error as Error).message}`.replace('  ', ' '));
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
