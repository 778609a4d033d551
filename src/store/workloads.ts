import type { Kysely, Selectable } from 'kysely';
import type { Database, WorkloadsTable } from './schema.js';

export interface WorkloadRecord {
  id: string;
  tenantId: string;
  deployment: string;
  component: string;
  region: string | null;
  secretHash: string;
  createdAt: string;
  disabledAt: string | null;
}

function fromRow(row: Selectable<WorkloadsTable>): WorkloadRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    deployment: row.deployment,
    component: row.component,
    region: row.region === '' ? null : row.region,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

export class WorkloadRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(workload: WorkloadRecord): Promise<void> {
    await this.db
      .insertInto('workloads')
      .values({
        id: workload.id,
        tenant_id: workload.tenantId,
        deployment: workload.deployment,
        component: workload.component,
        region: workload.region ?? '',
        secret_hash: workload.secretHash,
        created_at: workload.createdAt,
        disabled_at: workload.disabledAt,
      })
      .execute();
  }

  async find(tenantId: string, id: string): Promise<WorkloadRecord | undefined> {
    const row = await this.db.selectFrom('workloads').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  /** The workload a secret belongs to (looked up by the secret's hash). */
  async findBySecretHash(secretHash: string): Promise<WorkloadRecord | undefined> {
    const row = await this.db.selectFrom('workloads').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row && fromRow(row);
  }

  async findByIdentity(tenantId: string, deployment: string, component: string, region: string | null): Promise<WorkloadRecord | undefined> {
    const row = await this.db
      .selectFrom('workloads')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('deployment', '=', deployment)
      .where('component', '=', component)
      .where('region', '=', region ?? '')
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** Sets `disabled_at` once; false when the workload does not exist or was already disabled. */
  async disable(tenantId: string, id: string, disabledAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('workloads')
      .set({ disabled_at: disabledAt })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async list(tenantId: string): Promise<WorkloadRecord[]> {
    const rows = await this.db.selectFrom('workloads').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map(fromRow);
  }
}
