import type { TestProject } from 'vitest/node';
import { findPostgresBin, startPostgresCluster, type PostgresCluster } from './helpers/postgres_cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's throwaway PostgreSQL cluster, or '' when this machine has no PostgreSQL server. */
    postgresUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!findPostgresBin()) {
    if (process.env.CI) throw new Error('PostgreSQL server binaries are missing; .ci/run must install postgresql-15');
    process.stderr.write('warning: no PostgreSQL server here; PostgreSQL variants of store tests are skipped (CI runs them)\n');
    project.provide('postgresUrl', '');
    return;
  }
  cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
