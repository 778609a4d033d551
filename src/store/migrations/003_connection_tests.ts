import type { Kysely, Migration } from 'kysely';

/** Connection test history: each doctor run (manual, scheduled drift check, set-up) with its verdict. */
export const connectionTests: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('connection_tests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('connection', 'text', (c) => c.notNull())
      .addColumn('tested_at', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('diagnosis_code', 'text')
      .addColumn('accepted_probes', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('connection_tests_connection_time')
      .on('connection_tests')
      .columns(['tenant_id', 'connection', 'tested_at', 'id'])
      .execute();
  },
};
