import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createTestDatabase } from './postgres_cluster.js';

export interface DatabaseUnderTest {
  dialect: 'sqlite' | 'postgres';
  /** A new, empty database each call. */
  newUrl(): Promise<string>;
}

/** The dialects every store-level test runs on: SQLite always, PostgreSQL when the run has a cluster. */
export function databasesUnderTest(): DatabaseUnderTest[] {
  const databases: DatabaseUnderTest[] = [{ dialect: 'sqlite', newUrl: async () => 'sqlite::memory:' }];
  const postgresUrl = inject('postgresUrl');
  if (postgresUrl) {
    databases.push({
      dialect: 'postgres',
      newUrl: () => createTestDatabase(postgresUrl, `t_${randomBytes(6).toString('hex')}`),
    });
  }
  return databases;
}
