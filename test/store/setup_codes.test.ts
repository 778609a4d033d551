import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret, openStore, type Store } from '../../src/store/index.js';
import { databasesUnderTest } from '../helpers/databases.js';

const CREATED = '2026-03-01T10:00:00.000Z';
const EXPIRES = '2026-03-01T11:00:00.000Z';

async function storeWithCode(url: string): Promise<Store> {
  const store = await openStore(url);
  await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt: CREATED });
  await store.setupCodes.insert({
    id: 'sc_1',
    tenantId: 'acme',
    tokenConfig: 'aws',
    scope: 'deployment:prod',
    connection: null,
    codeHash: hashSecret('rbs_code'),
    createdBy: 'admin:key',
    createdAt: CREATED,
    expiresAt: EXPIRES,
  });
  return store;
}

describe.each(databasesUnderTest())('setup codes on $dialect', ({ newUrl }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('a code is consumed once, even by concurrent exchanges, and then finds its session', async () => {
    store = await storeWithCode(await newUrl());
    const s = store;
    const attempts = await Promise.all(
      ['a', 'b', 'c', 'd'].map((n) =>
        s.setupCodes.consume({ codeHash: hashSecret('rbs_code'), usedAt: '2026-03-01T10:30:00.000Z', sessionHash: hashSecret(`rbss_${n}`), sessionExpiresAt: '2026-03-01T11:30:00.000Z' }),
      ),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
    const record = await s.setupCodes.findByCodeHash(hashSecret('rbs_code'));
    expect(record).toMatchObject({ id: 'sc_1', tenantId: 'acme', tokenConfig: 'aws', scope: 'deployment:prod', connection: null, usedAt: '2026-03-01T10:30:00.000Z' });
    expect(await s.setupCodes.findBySessionHash(record!.sessionHash!)).toMatchObject({ id: 'sc_1' });
    // A later attempt (with a fresh session) is refused and does not replace the session.
    expect(await s.setupCodes.consume({ codeHash: hashSecret('rbs_code'), usedAt: '2026-03-01T10:31:00.000Z', sessionHash: hashSecret('rbss_late'), sessionExpiresAt: '2026-03-01T11:31:00.000Z' })).toBe(false);
    expect(await s.setupCodes.findBySessionHash(hashSecret('rbss_late'))).toBeUndefined();
  });

  it('an expired code is never consumed; an unknown one neither', async () => {
    store = await storeWithCode(await newUrl());
    const exchange = { usedAt: EXPIRES, sessionHash: hashSecret('rbss_x'), sessionExpiresAt: '2026-03-01T12:00:00.000Z' };
    expect(await store.setupCodes.consume({ ...exchange, codeHash: hashSecret('rbs_code') })).toBe(false);
    expect(await store.setupCodes.consume({ ...exchange, codeHash: hashSecret('rbs_other'), usedAt: CREATED })).toBe(false);
    expect((await store.setupCodes.findByCodeHash(hashSecret('rbs_code')))?.usedAt).toBeNull();
  });
});
