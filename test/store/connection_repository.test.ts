import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type ConnectionRecord, type Store } from '../../src/store/index.js';
import { databasesUnderTest } from '../helpers/databases.js';

describe.each(databasesUnderTest())('connections on $dialect', ({ newUrl }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  const createdAt = '2026-01-01T00:00:00.000Z';
  const connection: ConnectionRecord = {
    tenantId: 'acme',
    name: 'athena',
    roleArn: 'arn:aws:iam::111111111111:role/rolebridge-first',
    region: 'eu-west-1',
    tokenConfig: 'aws',
    chain: [{ roleArn: 'arn:aws:iam::222222222222:role/athena', externalId: 'acme-7d1f', durationSeconds: 3600 }],
    durationSeconds: 3600,
    sessionPolicy: null,
    verifiedWithWorkload: 'wl_1',
    verifiedAt: createdAt,
    scope: 'component:athena,region:eu-west-1',
    createdAt,
    updatedAt: createdAt,
  };

  it('round-trips a connection with its chain, lists and deletes it', async () => {
    store = await openStore(await newUrl());
    await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt });
    await store.connections.insert(connection);
    const { scope: _scope, ...unscoped } = connection;
    await store.connections.insert({ ...unscoped, name: 'plain', chain: [], durationSeconds: null, verifiedWithWorkload: null, verifiedAt: null });
    expect(await store.connections.find('acme', 'athena')).toEqual(connection);
    // Without a scope (migration 011's column is null): any workload of the tenant, as before.
    expect((await store.connections.find('acme', 'plain'))?.scope).toBeNull();
    expect((await store.connections.list('acme')).map((c) => c.name)).toEqual(['athena', 'plain']);
    expect(await store.connections.find('other', 'athena')).toBeUndefined();
    expect(await store.connections.delete('acme', 'plain')).toBe(true);
    expect(await store.connections.delete('acme', 'plain')).toBe(false);
  });

  it('refuses a second connection with the same name in a tenant', async () => {
    store = await openStore(await newUrl());
    await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt });
    await store.connections.insert(connection);
    await expect(store.connections.insert(connection)).rejects.toThrow();
  });
});
