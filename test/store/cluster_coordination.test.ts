import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { lockDatabaseForServer, openStore, type ChangeEvent, type Store } from '../../src/store/index.js';
import { PostgresChangeFeed } from '../../src/store/change_feed.js';
import { migrations } from '../../src/store/migrations/index.js';
import { createTestDatabase } from '../helpers/postgres_cluster.js';

const postgresUrl = inject('postgresUrl');
const newDatabase = () => createTestDatabase(postgresUrl, `cc_${randomBytes(5).toString('hex')}`);

describe.skipIf(!postgresUrl)('cluster coordination on PostgreSQL', () => {
  const opened: Store[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
  });

  it('three stores opened at once on an empty database apply each migration once, and all open', async () => {
    const url = await newDatabase();
    const stores = await Promise.all([openStore(url), openStore(url), openStore(url)]);
    opened.push(...stores);
    const applied = stores.flatMap((store) => store.migrationsApplied).sort();
    expect(applied).toEqual(Object.keys(migrations).sort());
  });

  it('applies the pool settings: a statement over the timeout is cancelled by PostgreSQL', async () => {
    const store = await openStore(await newDatabase(), { poolSize: 2, statementTimeoutMs: 200 });
    opened.push(store);
    await expect(sql`select pg_sleep(2)`.execute(store.db)).rejects.toMatchObject({ code: '57014' });
    expect((await sql<{ statement_timeout: string }>`show statement_timeout`.execute(store.db)).rows[0]?.statement_timeout).toBe('200ms');
  });

  it('claims a cluster job for exactly one of many concurrent replicas per interval', async () => {
    const store = await openStore(await newDatabase());
    const others = [store, await openStore(store.connectionUrl), await openStore(store.connectionUrl)];
    opened.push(...others);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const claimAll = (at: number) => Promise.all(others.flatMap((s, i) => [s.clusterJobs.claim('drift_watch', `r${i}`, at, 10_000), s.clusterJobs.claim('drift_watch', `r${i}b`, at, 10_000)]));
    expect((await claimAll(t0)).filter(Boolean)).toHaveLength(1);
    expect((await claimAll(t0 + 9_999)).filter(Boolean)).toHaveLength(0); // the interval is taken
    expect((await claimAll(t0 + 10_000)).filter(Boolean)).toHaveLength(1); // the next one: whoever is alive asks
    // Jobs are independent.
    expect(await store.clusterJobs.claim('key_maintenance', 'r0', t0 + 10_000, 60_000)).toBe(true);
  });

  it('delivers a committed change by polling when the listening connection cannot connect, and not before commit', async () => {
    const store = await openStore(await newDatabase());
    opened.push(store);
    const broken = new URL(store.connectionUrl);
    broken.port = '1'; // nothing listens there: the feed must fall back on polling through the pool
    const feed = new PostgresChangeFeed(store.db, broken.toString(), { pollMs: 100, reconnect: { minMs: 50, maxMs: 200 } });
    const events: ChangeEvent[] = [];
    feed.subscribe((event) => events.push(event));
    await feed.start();
    try {
      const now = new Date().toISOString();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const writing = store.transaction(async (tx) => {
        await tx.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt: now });
        await tx.tokenConfigs.insert({
          tenantId: 'acme', name: 'default', audience: 'sts.amazonaws.com', subjectTemplate: 'x:{deployment}', lifetimeSeconds: 900,
          claims: {}, sessionTags: null, createdAt: now, updatedAt: now,
        });
        await held; // several polls pass while the transaction is open
      });
      const polled = feed.pollsDone;
      await waitFor(() => feed.pollsDone >= polled + 3, 10_000);
      expect(events.filter((e) => e.topic === 'token_configs')).toEqual([]);
      release();
      await writing;
      await waitFor(() => events.some((e) => e.topic === 'token_configs' && e.tenantId === 'acme'), 10_000);
      // Seen once, even though later polls read its transaction's rows again until the cursor passes them.
      const seen = feed.pollsDone;
      await waitFor(() => feed.pollsDone >= seen + 3, 10_000);
      expect(events.filter((e) => e.topic === 'token_configs')).toHaveLength(1);
    } finally {
      await feed.close();
    }
  });
});

describe('SQLite: one server per database file', () => {
  it('refuses a second server lock on the same file with database_in_use, and frees it on release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-lock-'));
    try {
      const url = `sqlite:${join(dir, 'db', 'rolebridge.db')}`;
      const first = lockDatabaseForServer(url);
      expect(first).toBeDefined();
      expect(() => lockDatabaseForServer(url)).toThrow(expect.objectContaining({ code: 'database_in_use', message: expect.stringContaining('Another rolebridge server') }));
      first?.release();
      lockDatabaseForServer(url)?.release();
      expect(lockDatabaseForServer('sqlite::memory:')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Resolves when `check` holds; rejects after `ms`. */
async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
