import type { Kysely, Migration } from 'kysely';

/**
 * The scope a connection serves (`workload:<id>`, `tenant`, or comma-joined `deployment:`/`component:`/`region:`
 * pins, canonical text): verification mints for a workload of it, workloads outside it get no credentials, and
 * the doctor calls a role that admits workloads outside it too broad. Null: any workload of the tenant, as before.
 * The connections table has no change-feed trigger (replicas re-read connections after a few seconds), so none is added.
 */
export const connectionScope: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('connections').addColumn('scope', 'text').execute();
  },
};
