import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionTestRepository, openStore, type Store } from '../../src/store/index.js';
import { databasesUnderTest } from '../helpers/databases.js';

describe.each(databasesUnderTest())('connection test history on $dialect', ({ newUrl }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('keeps runs newest first per connection, with the whole result, and lists what the drift watch re-tests', async () => {
    store = await openStore(await newUrl());
    const createdAt = '2026-01-01T00:00:00.000Z';
    await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt });
    for (const name of ['warehouse', 'lake']) {
      await store.connections.insert({
        tenantId: 'acme',
        name,
        roleArn: 'arn:aws:iam::123456789012:role/r',
        region: 'us-east-1',
        tokenConfig: 'aws',
        chain: [],
        durationSeconds: null,
        sessionPolicy: null,
        verifiedWithWorkload: null,
        verifiedAt: null,
        createdAt,
        updatedAt: createdAt,
      });
    }
    const history = new ConnectionTestRepository(store.db);
    const base = { tenantId: 'acme', connection: 'warehouse', trigger: 'manual', durationMs: 12.6 };
    const first = await history.record({ ...base, testedAt: '2026-01-01T00:00:00.000Z', ok: true, diagnosisCode: null, acceptedProbes: [], result: { ok: true, steps: [], probes: [] } });
    const second = await history.record({
      ...base,
      trigger: 'schedule',
      testedAt: '2026-01-01T01:00:00.000Z',
      ok: false,
      diagnosisCode: 'trust_too_broad',
      acceptedProbes: ['sibling_component'],
      result: { ok: false, diagnosis: { code: 'trust_too_broad' } },
    });
    expect(await history.history('acme', 'warehouse')).toEqual([second, first]);
    expect(first.durationMs).toBe(13);
    expect(await history.latest('acme', 'warehouse')).toMatchObject({ id: second.id, ok: false, acceptedProbes: ['sibling_component'] });
    expect(await history.latest('acme', 'lake')).toBeUndefined();
    expect(await history.connectionsToWatch()).toEqual([
      { tenantId: 'acme', connection: 'lake' },
      { tenantId: 'acme', connection: 'warehouse' },
    ]);
  });
});
