import { afterEach, describe, expect, it } from 'vitest';
import { isRolebridgeError } from '../../src/core/index.js';
import { openStore, type Store, type TokenConfigRecord } from '../../src/store/index.js';
import { databasesUnderTest } from '../helpers/databases.js';

/**
 * Services check "does it exist?" and then insert, in one transaction. On PostgreSQL (read committed) two
 * concurrent requests both pass the check and the later insert hits the primary key: that must answer
 * 409, not a database error the server turns into a 500. The later insert is replayed here directly,
 * as the loser of that race runs it.
 */
describe.each(databasesUnderTest())('a write that loses a race on $dialect', ({ newUrl }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('is a 409 concurrent_change, and the transaction writes nothing', async () => {
    store = await openStore(await newUrl());
    const at = '2026-01-01T00:00:00.000Z';
    await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt: at });
    const config: TokenConfigRecord = {
      tenantId: 'acme',
      name: 'aws',
      audience: 'sts.amazonaws.com',
      subjectTemplate: 'app:{deployment}:{component}',
      lifetimeSeconds: 300,
      claims: {},
      sessionTags: null,
      createdAt: at,
      updatedAt: at,
    };
    await store.transaction((tx) => tx.tokenConfigs.insert(config));
    const loser = store.transaction(async (tx) => {
      await tx.audit.record({ tenantId: 'acme', actor: 'admin:test', action: 'token_config.created', target: 'aws' });
      await tx.tokenConfigs.insert({ ...config, audience: 'other' });
    });
    const failure: unknown = await loser.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isRolebridgeError(failure) && { code: failure.code, status: failure.status }).toEqual({ code: 'concurrent_change', status: 409 });
    expect((await store.tokenConfigs.find('acme', 'aws'))?.audience).toBe('sts.amazonaws.com');
    expect(await store.audit.list({ tenantId: 'acme' })).toEqual([]);
  });
});
