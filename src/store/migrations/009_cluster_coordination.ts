import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/** The tables whose changes other replicas must hear about (their caches hold what these rows say). */
export const WATCHED_TABLES = ['signing_keys', 'token_configs', 'api_keys', 'workloads', 'setup_codes'] as const;

/**
 * Many replicas on one PostgreSQL (see src/store/change_feed.ts and cluster_jobs.ts):
 * - `cluster_jobs`: one row per cluster job (scheduled key maintenance, the drift watch); a replica runs the
 *   job only after claiming the current interval with a conditional update, so the cluster runs it once.
 * - PostgreSQL only: `cluster_changes`, written by triggers on the watched tables in the writing transaction,
 *   plus a `NOTIFY rolebridge_changes` on commit. Replicas listen and poll it to drop stale caches. Triggers
 *   (rather than calls at each write site) mean no write path, present or future, can forget to announce itself.
 *   SQLite is one process: its caches are invalidated in place, so it gets neither.
 */
export const clusterCoordination: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('cluster_jobs')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('last_run_at', 'text', (c) => c.notNull())
      .execute();
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await sql`create table cluster_changes (
      seq bigserial primary key,
      topic text not null,
      tenant_id text,
      tx_id xid8 not null default pg_current_xact_id(),
      created_at timestamptz not null default now()
    )`.execute(db);
    await sql`create index cluster_changes_tx_id on cluster_changes (tx_id)`.execute(db);
    await sql`create index cluster_changes_created_at on cluster_changes (created_at)`.execute(db);
    await sql`create function rolebridge_note_change() returns trigger language plpgsql as $$
      declare
        tenant text;
      begin
        if tg_op = 'DELETE' then tenant := old.tenant_id; else tenant := new.tenant_id; end if;
        insert into cluster_changes (topic, tenant_id) values (tg_table_name, tenant);
        perform pg_notify('rolebridge_changes', tg_table_name);
        return null;
      end
    $$`.execute(db);
    for (const table of WATCHED_TABLES) {
      await sql`create trigger ${sql.raw(`${table}_note_change`)} after insert or update or delete on ${sql.table(table)}
        for each row execute function rolebridge_note_change()`.execute(db);
    }
  },
};
