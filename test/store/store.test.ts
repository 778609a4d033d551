import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret, openStore, type Store } from '../../src/store/index.js';
import { databasesUnderTest } from '../helpers/databases.js';

describe.each(databasesUnderTest())('store on $dialect', ({ dialect, newUrl }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('migrates an empty database and answers readiness', async () => {
    store = await openStore(await newUrl());
    expect(store.dialect).toBe(dialect);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('migrating twice is a no-op', async () => {
    const url = await newUrl();
    if (dialect === 'sqlite') return; // :memory: is a new database per connection
    store = await openStore(url);
    await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt: '2026-01-01T00:00:00.000Z' });
    await store.close();
    store = await openStore(url);
    expect(await store.tenants.find('acme')).toMatchObject({ id: 'acme', name: 'Acme' });
  });

  it('round-trips tenants, token configs and workloads', async () => {
    store = await openStore(await newUrl());
    const createdAt = '2026-01-01T00:00:00.000Z';
    await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt });
    await store.tokenConfigs.insert({
      tenantId: 'acme',
      name: 'aws',
      audience: 'sts.amazonaws.com',
      subjectTemplate: 'app:deployment:{deployment}:component:{component}',
      lifetimeSeconds: 300,
      claims: { plan: 'enterprise' },
      sessionTags: { principalTags: { Team: 'data' }, transitiveTagKeys: ['Team'] },
      createdAt,
      updatedAt: createdAt,
    });
    await store.workloads.insert({
      id: 'wl-1',
      tenantId: 'acme',
      deployment: '12',
      component: 'api',
      region: null,
      secretHash: hashSecret('s3cret'),
      createdAt,
      disabledAt: null,
    });
    expect(await store.tokenConfigs.find('acme', 'aws')).toMatchObject({
      lifetimeSeconds: 300,
      claims: { plan: 'enterprise' },
      sessionTags: { principalTags: { Team: 'data' } },
    });
    expect(await store.workloads.findBySecretHash(hashSecret('s3cret'))).toMatchObject({ id: 'wl-1', region: null });
    expect(await store.workloads.findBySecretHash(hashSecret('other'))).toBeUndefined();
  });

  it('updates a token config in place (a subject change), and says when there is none', async () => {
    store = await openStore(await newUrl());
    const createdAt = '2026-01-01T00:00:00.000Z';
    await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt });
    const config = {
      tenantId: 'acme',
      name: 'aws',
      audience: 'sts.amazonaws.com',
      subjectTemplate: 'app:{deployment}:{component}',
      lifetimeSeconds: 300,
      claims: {},
      sessionTags: { principalTags: { Team: 'data' }, transitiveTagKeys: [] },
      createdAt,
      updatedAt: createdAt,
    };
    await store.tokenConfigs.insert(config);
    const updatedAt = '2026-02-01T00:00:00.000Z';
    expect(await store.tokenConfigs.update({ ...config, subjectTemplate: 'acme/{deployment}/{component}', sessionTags: null, updatedAt })).toBe(true);
    expect(await store.tokenConfigs.find('acme', 'aws')).toEqual({ ...config, subjectTemplate: 'acme/{deployment}/{component}', sessionTags: null, updatedAt });
    expect(await store.tokenConfigs.update({ ...config, name: 'nothing' })).toBe(false);
  });

  it('refuses a second workload with the same identity, even without a region', async () => {
    store = await openStore(await newUrl());
    const createdAt = '2026-01-01T00:00:00.000Z';
    await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt });
    const workload = { tenantId: 'acme', deployment: '12', component: 'api', region: null, createdAt, disabledAt: null };
    await store.workloads.insert({ ...workload, id: 'wl-1', secretHash: hashSecret('a') });
    await expect(store.workloads.insert({ ...workload, id: 'wl-2', secretHash: hashSecret('b') })).rejects.toThrow();
  });

  it('rolls a failed transaction back completely', async () => {
    store = await openStore(await newUrl());
    const createdAt = '2026-01-01T00:00:00.000Z';
    await expect(
      store.transaction(async (tx) => {
        await tx.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt });
        await tx.tenants.insert({ id: 'acme', name: 'Duplicate', signingAlgorithm: 'ES256', createdAt });
      }),
    ).rejects.toThrow();
    expect(await store.tenants.find('acme')).toBeUndefined();
  });

  it('keeps the audit log in write order and pages through it', async () => {
    store = await openStore(await newUrl());
    for (let i = 0; i < 5; i += 1) {
      await store.audit.record({ actor: 'admin:bootstrap', action: 'tenant.created', tenantId: 'acme', details: { i } });
    }
    const all = await store.audit.list({ tenantId: 'acme' });
    expect(all.map((event) => event.details.i)).toEqual([0, 1, 2, 3, 4]);
    const page = await store.audit.list({ tenantId: 'acme', after: all[1]!.id, limit: 2 });
    expect(page.map((event) => event.details.i)).toEqual([2, 3]);
  });
});
