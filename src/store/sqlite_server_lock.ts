import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ConflictError } from '../core/index.js';

export interface ServerLock {
  release(): void;
}

/**
 * SQLite is the single-process default: two servers on one file would each trust their own caches and each
 * run the schedules. The first server holds an exclusive transaction on `<file>.server-lock` for its
 * lifetime; the operating system drops the lock when the process ends (even by `kill -9`), so there is no
 * stale lock to clean up. A second server gets a clear refusal instead of a silently split brain.
 * Nothing to lock for `sqlite::memory:` or PostgreSQL (which runs many replicas).
 */
export function lockDatabaseForServer(databaseUrl: string): ServerLock | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  const path = databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:' || path === '') return undefined;
  const lockPath = `${path}.server-lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  const lock = new BetterSqlite3(lockPath, { timeout: 0 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new ConflictError(
        'database_in_use',
        `Another rolebridge server is already using ${path} (its lock: ${lockPath}). SQLite serves one process; stop the other server, or use PostgreSQL (ROLEBRIDGE_DATABASE_URL=postgres://…) to run several replicas.`,
        { database: path },
      );
    }
    throw error;
  }
  return {
    release() {
      try {
        lock.exec('ROLLBACK');
      } finally {
        lock.close();
      }
    },
  };
}
