import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Cluster jobs run once per interval for the whole cluster. Every replica asks on its own ticks; one
 * conditional upsert claims the interval: it lands only when the job last ran at least `intervalMs` ago.
 * PostgreSQL makes a concurrent claimer wait for the row and re-check the condition, so exactly one wins;
 * a replica that dies simply stops claiming and the next replica to ask takes the following interval.
 */
export class ClusterJobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** True when `holder` may run `job` now (and the interval is recorded as its). */
  async claim(job: string, holder: string, now: number, intervalMs: number): Promise<boolean> {
    const at = new Date(now).toISOString();
    const due = new Date(now - intervalMs).toISOString();
    const claimed = await this.db
      .insertInto('cluster_jobs')
      .values({ name: job, holder, last_run_at: at })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, last_run_at: at })
          .where('cluster_jobs.last_run_at', '<=', due),
      )
      .returning('name')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  async lastRun(job: string): Promise<{ holder: string; at: string } | undefined> {
    const row = await this.db.selectFrom('cluster_jobs').select(['holder', 'last_run_at']).where('name', '=', job).executeTakeFirst();
    return row ? { holder: row.holder, at: row.last_run_at } : undefined;
  }
}
