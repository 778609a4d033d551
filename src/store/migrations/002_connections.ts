import type { Kysely, Migration } from 'kysely';

/** Connections: the role (and AssumeRole hops) a tenant's workloads reach AWS through. */
export const connections: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('connections')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role_arn', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('token_config', 'text', (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('duration_seconds', 'integer')
      .addColumn('session_policy', 'text')
      .addColumn('verified_with_workload', 'text')
      .addColumn('verified_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('connections_pk', ['tenant_id', 'name'])
      .execute();
  },
};
