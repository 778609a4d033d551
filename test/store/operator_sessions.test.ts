import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret, openStore, type Store } from '../../src/store/index.js';
import { databasesUnderTest } from '../helpers/databases.js';

const AT = '2026-03-01T10:00:00.000Z';
const LATER = '2026-03-01T10:20:00.000Z';

describe.each(databasesUnderTest())('operator sign-ins and sessions on $dialect', ({ newUrl }) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('takes a pending sign-in once, and never an expired one', async () => {
    store = await openStore(await newUrl());
    const signIn = { codeVerifier: 'v', nonce: 'n', redirectUri: 'http://127.0.0.1:1/auth/callback', returnTo: '/', cliRedirect: null, cliChallenge: null, createdAt: AT };
    await store.operatorSessions.insertSignIn({ ...signIn, stateHash: hashSecret('s1'), expiresAt: '2026-03-01T10:10:00.000Z' });
    await store.operatorSessions.insertSignIn({ ...signIn, stateHash: hashSecret('s2'), expiresAt: '2026-03-01T10:30:00.000Z' });
    expect(await store.operatorSessions.takeSignIn(hashSecret('s1'), LATER)).toBeUndefined();
    expect((await store.operatorSessions.takeSignIn(hashSecret('s2'), LATER))?.codeVerifier).toBe('v');
    expect(await store.operatorSessions.takeSignIn(hashSecret('s2'), LATER)).toBeUndefined();
  });

  it('stores a session by hash, ends it, and hands off its CLI code once', async () => {
    store = await openStore(await newUrl());
    await store.operatorSessions.insertSession({
      id: 'ses-1',
      tokenHash: hashSecret('rb_session_x'),
      csrfHash: hashSecret('csrf'),
      actor: JSON.stringify({ type: 'user', sub: 'alice', issuer: 'https://idp' }),
      grants: JSON.stringify([{ role: 'admin', tenant: 'acme' }]),
      createdAt: AT,
      lastSeenAt: AT,
      expiresAt: '2026-03-01T22:00:00.000Z',
      endedAt: null,
      handoffHash: hashSecret('handoff'),
      handoffChallenge: 'challenge',
      handoffExpiresAt: LATER,
    });
    const found = await store.operatorSessions.findByTokenHash(hashSecret('rb_session_x'));
    expect(found?.id).toBe('ses-1');
    const [first, second] = await Promise.all([store.operatorSessions.takeHandoff(hashSecret('handoff')), store.operatorSessions.takeHandoff(hashSecret('handoff'))]);
    expect([first, second].filter((taken) => taken !== undefined)).toHaveLength(1);
    expect((first ?? second)?.handoffChallenge).toBe('challenge');
    await store.operatorSessions.end('ses-1', LATER);
    expect((await store.operatorSessions.findByTokenHash(hashSecret('rb_session_x')))?.endedAt).toBe(LATER);
  });
});
