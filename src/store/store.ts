import { sql, type Kysely } from 'kysely';
import { ApiKeyRepository } from './api_keys.js';
import { AuditLog } from './audit_log.js';
import { ConnectionRepository } from './connections.js';
import { SetupCodeRepository } from './setup_codes.js';
import { SigningKeyRepository } from './signing_keys.js';
import { migrateToLatest, openDatabase, type DialectName } from './open_database.js';
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

  constructor(readonly db: Kysely<Database>) {
    this.tenants = new TenantRepository(db);
    this.tokenConfigs = new TokenConfigRepository(db);
    this.workloads = new WorkloadRepository(db);
    this.apiKeys = new ApiKeyRepository(db);
    this.audit = new AuditLog(db);
    this.connections = new ConnectionRepository(db);
    this.signingKeys = new SigningKeyRepository(db);
    this.setupCodes = new SetupCodeRepository(db);
  }
}

export class Store extends Repositories {
  constructor(
    db: Kysely<Database>,
    readonly dialect: DialectName,
  ) {
    super(db);
  }

  /** Runs `work` in one transaction: every write inside lands, or none does. */
  async transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new Repositories(trx)));
  }

  /** Readiness: the database answers a trivial query. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Opens the database named by `databaseUrl` and applies pending migrations. */
export async function openStore(databaseUrl: string): Promise<Store> {
  const { db, dialect } = openDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new Store(db, dialect);
}
