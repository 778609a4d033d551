import { resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { ConflictError } from '../core/index.js';
import { ApiKeyRepository } from './api_keys.js';
import { ClusterJobRepository } from './cluster_jobs.js';
import { AuditLog, completeEvent, rowValuesOf, type NewAuditEvent } from './audit_log.js';
import { ConnectionRepository } from './connections.js';
import { MasterKeyVerifierRepository } from './master_key_verifiers.js';
import { OperatorSessionRepository } from './operator_sessions.js';
import { SetupCodeRepository } from './setup_codes.js';
import { SigningKeyRepository } from './signing_keys.js';
import { migrateToLatest, openDatabase, type DialectName, type PoolOptions } from './open_database.js';
import { SqliteAuditWriter } from './sqlite_audit_writer.js';
import type { Database } from './schema.js';
import { TenantRepository } from './tenants.js';
import { TokenConfigRepository } from './token_configs.js';
import { WorkloadRepository } from './workloads.js';

/** The repositories, bound either to the database or to one transaction. */
export class Repositories {
  readonly tenants: TenantRepository;
  readonly tokenConfigs: TokenConfigRepository;
  readonly workloads: WorkloadRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly audit: AuditLog;
  readonly connections: ConnectionRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly setupCodes: SetupCodeRepository;
  readonly masterKeyVerifier: MasterKeyVerifierRepository;
  readonly clusterJobs: ClusterJobRepository;
  readonly operatorSessions: OperatorSessionRepository;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
  ) {
    this.tenants = new TenantRepository(db);
    this.tokenConfigs = new TokenConfigRepository(db);
    this.workloads = new WorkloadRepository(db);
    this.apiKeys = new ApiKeyRepository(db);
    this.audit = new AuditLog(db, dialect);
    this.connections = new ConnectionRepository(db);
    this.signingKeys = new SigningKeyRepository(db, dialect);
    this.setupCodes = new SetupCodeRepository(db);
    this.masterKeyVerifier = new MasterKeyVerifierRepository(db);
    this.clusterJobs = new ClusterJobRepository(db);
    this.operatorSessions = new OperatorSessionRepository(db);
  }
}

export class Store extends Repositories {
  constructor(
    db: Kysely<Database>,
    dialect: DialectName,
    /** The URL it was opened with: the change feed opens its own listening connection to it. */
    readonly connectionUrl = '',
  ) {
    super(db, dialect);
    this.auditWriter = sqliteAuditWriterFor(connectionUrl, dialect);
  }

  /** The migrations this process applied when it opened the database (none when another replica had). */
  migrationsApplied: string[] = [];

  /** SQLite file databases: the thread that writes buffered audit events (started on first use). */
  private readonly auditWriter: SqliteAuditWriter | undefined;

  /**
   * Writes a batch of buffered audit events (token.issued) off the request path; resolves once they are
   * durable. On a SQLite file they go through the audit writer thread (its own connection), so the commit's
   * wait for the disk never stops the event loop; otherwise through this store's connection.
   */
  async appendAudit(events: readonly NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.auditWriter) await this.auditWriter.write(events.map((event) => rowValuesOf(completeEvent(event))));
    else await this.audit.recordMany(events);
  }

  /**
   * Runs `work` in one transaction: every write inside lands, or none does. Services check for an existing
   * row before inserting; on PostgreSQL two concurrent requests can both pass that check, and the later
   * insert then hits a unique key. That is the caller's conflict (409), not an internal error.
   */
  async transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute((trx) => work(new Repositories(trx, this.dialect)));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('concurrent_change', 'Another request created or changed the same resource at the same time; read it again, then retry.');
      }
      throw error;
    }
  }

  /** Readiness: the database answers a trivial query within `timeoutMs` (an unreachable host must not hang the probe). */
  async ping(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([sql`select 1`.execute(this.db), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.auditWriter?.close();
    await this.db.destroy();
  }
}

/** A writer thread for a SQLite database file; none for `:memory:` (only its own connection sees it) or PostgreSQL. */
function sqliteAuditWriterFor(url: string, dialect: DialectName): SqliteAuditWriter | undefined {
  if (dialect !== 'sqlite' || !url.startsWith('sqlite:')) return undefined;
  const path = url.slice('sqlite:'.length);
  return path === '' || path === ':memory:' || path.startsWith('file:') ? undefined : new SqliteAuditWriter(resolve(path));
}

/** A unique or primary key violation: PostgreSQL's SQLSTATE 23505, or better-sqlite3's constraint codes. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Opens the database named by `databaseUrl` and applies pending migrations. */
export async function openStore(databaseUrl: string, pool: PoolOptions = {}): Promise<Store> {
  const { db, dialect } = openDatabase(databaseUrl, pool);
  let applied: string[];
  try {
    applied = await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const store = new Store(db, dialect, databaseUrl);
  store.migrationsApplied = applied;
  return store;
}
