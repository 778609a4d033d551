import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type NewAuditEvent, type Store } from '../../src/store/index.js';
import { databasesUnderTest } from '../helpers/databases.js';

function tokenEvent(i: number): NewAuditEvent {
  return {
    tenantId: 'acme',
    actor: 'workload:wl_1',
    action: 'token.issued',
    target: 'wl_1',
    requestId: `req-${i}`,
    details: { jti: `jti-${i}`, sub: 'app:prod', aud: 'sts.amazonaws.com', exp: 1_900_000_000 + i },
  };
}

/** Every dialect, plus a SQLite file (its buffered events go through the audit writer thread). */
const databases = [
  ...databasesUnderTest(),
  {
    dialect: 'sqlite file' as const,
    newUrl: async () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'rolebridge-audit-')), 'rolebridge.db')}`,
  },
];

describe.each(databases)('buffered audit events on $dialect', ({ newUrl }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('appends batches in order, with every field, and lists them back', async () => {
    store = await openStore(await newUrl());
    await store.appendAudit(Array.from({ length: 700 }, (_, i) => tokenEvent(i)));
    await store.appendAudit([tokenEvent(700), { ...tokenEvent(701), outcome: 'failure', tenantId: null, target: null, requestId: null }]);
    await store.appendAudit([]);
    const events = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.audit.list({ action: 'token.issued', limit: 1000, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      events.push(...page);
      after = page.at(-1)?.id;
    }
    expect(events.map((event) => event.details.jti)).toEqual(Array.from({ length: 702 }, (_, i) => `jti-${i}`));
    expect(events[0]).toMatchObject({ tenantId: 'acme', actor: 'workload:wl_1', target: 'wl_1', outcome: 'success', requestId: 'req-0' });
    expect(events[0]?.details).toEqual({ jti: 'jti-0', sub: 'app:prod', aud: 'sts.amazonaws.com', exp: 1_900_000_000 });
    expect(events[701]).toMatchObject({ tenantId: null, target: null, outcome: 'failure', requestId: null });
  });
});

describe('SQLite: the audit writer thread next to the main connection', () => {
  let store: Store | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a transaction that read before another connection committed still writes (transactions begin IMMEDIATE)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolebridge-audit-'));
    const path = join(dir, 'rolebridge.db');
    store = await openStore(`sqlite:${path}`);
    // Another connection to the file, as the audit writer thread is; it does not wait for locks.
    const other = new BetterSqlite3(path, { timeout: 0 });
    let otherWrote = false;
    try {
      await store.transaction(async (tx) => {
        await tx.tenants.find('acme'); // a read: a deferred transaction would now hold only a snapshot
        try {
          other.prepare("INSERT INTO audit_events (id, occurred_at, actor, action, outcome, details) VALUES ('evt_other', '2026-01-01T00:00:00.000Z', 'system:test', 'token.issued', 'success', '{}')").run();
          otherWrote = true;
        } catch (error) {
          expect((error as { code?: string }).code).toBe('SQLITE_BUSY'); // the transaction holds the write lock
        }
        await tx.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt: '2026-01-01T00:00:00.000Z' });
      });
    } finally {
      other.close();
    }
    expect(otherWrote).toBe(false);
    expect(await store.tenants.find('acme')).toMatchObject({ id: 'acme' });
  });

  it('closing the store lets posted batches commit first', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolebridge-audit-'));
    const url = `sqlite:${join(dir, 'rolebridge.db')}`;
    store = await openStore(url);
    const written = store.appendAudit([tokenEvent(1), tokenEvent(2)]);
    await store.close();
    await written;
    store = await openStore(url);
    expect((await store.audit.list({ action: 'token.issued' })).map((event) => event.details.jti)).toEqual(['jti-1', 'jti-2']);
  });
});
