import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';

/**
 * A connection: which role a tenant's workloads assume, and the AssumeRole hops after it.
 * Only ARNs, ids and settings: AWS credentials never reach this table.
 */
export interface ConnectionsTable {
  tenant_id: string;
  name: string;
  role_arn: string;
  region: string;
  token_config: string;
  /** JSON array of hops `{roleArn, externalId?, sessionName?, durationSeconds?}`. */
  chain: string;
  duration_seconds: number | null;
  session_policy: string | null;
  /** The workload whose token verified the connection (null when saved with `verify: false`). */
  verified_with_workload: string | null;
  verified_at: string | null;
  /** The scope the connection serves (migration 011); null: any workload of the tenant. */
  scope: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConnectionHopRecord {
  roleArn: string;
  externalId?: string;
  sessionName?: string;
  durationSeconds?: number;
}

export interface ConnectionRecord {
  tenantId: string;
  name: string;
  roleArn: string;
  region: string;
  tokenConfig: string;
  chain: ConnectionHopRecord[];
  durationSeconds: number | null;
  sessionPolicy: string | null;
  verifiedWithWorkload: string | null;
  verifiedAt: string | null;
  /** The scope the connection serves, canonical (`component:cube_store`); null or absent: any workload of the tenant. */
  scope?: string | null;
  createdAt: string;
  updatedAt: string;
}

type WithConnections = Database & { connections: ConnectionsTable };

function fromRow(row: Selectable<ConnectionsTable>): ConnectionRecord {
  return {
    tenantId: row.tenant_id,
    name: row.name,
    roleArn: row.role_arn,
    region: row.region,
    tokenConfig: row.token_config,
    chain: JSON.parse(row.chain) as ConnectionHopRecord[],
    durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
    sessionPolicy: row.session_policy,
    verifiedWithWorkload: row.verified_with_workload,
    verifiedAt: row.verified_at,
    scope: row.scope ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class ConnectionRepository {
  private readonly db: Kysely<WithConnections>;

  constructor(db: Kysely<Database>) {
    // The table comes with migration 002_connections; withTables keeps this file self-contained.
    this.db = db.withTables<{ connections: ConnectionsTable }>();
  }

  async insert(connection: ConnectionRecord): Promise<void> {
    await this.db
      .insertInto('connections')
      .values({
        tenant_id: connection.tenantId,
        name: connection.name,
        role_arn: connection.roleArn,
        region: connection.region,
        token_config: connection.tokenConfig,
        chain: JSON.stringify(connection.chain),
        duration_seconds: connection.durationSeconds,
        session_policy: connection.sessionPolicy,
        verified_with_workload: connection.verifiedWithWorkload,
        verified_at: connection.verifiedAt,
        scope: connection.scope ?? null,
        created_at: connection.createdAt,
        updated_at: connection.updatedAt,
      })
      .execute();
  }

  async find(tenantId: string, name: string): Promise<ConnectionRecord | undefined> {
    const row = await this.db
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async list(tenantId: string): Promise<ConnectionRecord[]> {
    const rows = await this.db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
    return rows.map(fromRow);
  }

  /** Resolves to whether a connection was deleted. */
  async delete(tenantId: string, name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('connections').where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
