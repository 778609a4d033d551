import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { DEFAULT_ROTATION_POLICY, Issuer } from '../../src/issuer/index.js';
import { openStore, type Store, type WorkloadRecord } from '../../src/store/index.js';
import { databasesUnderTest } from '../helpers/databases.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe.each(databasesUnderTest())('issuer keys on $dialect', ({ newUrl }) => {
  let store: Store | undefined;
  let issuer: Issuer | undefined;
  afterEach(async () => {
    await issuer?.close();
    await store?.close();
    issuer = undefined;
    store = undefined;
  });

  async function setup(masterKey = randomBytes(32)) {
    store = await openStore(await newUrl());
    let now = Date.UTC(2026, 0, 1);
    const clock = { advance: (ms: number) => (now += ms), now: () => now };
    issuer = new Issuer({
      store,
      masterKey,
      issuerTemplate: () => 'https://{tenant}.id.example.com',
      policy: { ...DEFAULT_ROTATION_POLICY, rotationIntervalSeconds: 7 * 86_400 },
      now: clock.now,
      cacheTtlMs: 0,
    });
    await issuer.createTenant({ id: 'acme', name: 'Acme' }, 'admin:test');
    await issuer.createTokenConfig('acme', { name: 'default', subjectTemplate: 'd:{deployment}' }, 'admin:test');
    const created = await issuer.createWorkload('acme', { deployment: 'prod', component: 'api' }, 'admin:test');
    const workload = (await store.workloads.find('acme', created.id)) as WorkloadRecord;
    return { store, issuer, clock, workload, masterKey };
  }

  async function verify(issuer: Issuer, token: string): Promise<void> {
    const jwks = JSON.parse((await issuer.documents('acme')).jwks.body.toString()) as { keys: JWK[] };
    const kid = decodeProtectedHeader(token).kid;
    const jwk = jwks.keys.find((k) => k.kid === kid);
    if (!jwk) throw new Error(`kid ${kid} not in the JWKS`);
    const iat = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number }).iat;
    // The clock was moved: verify at the token's own time; the signature and the JWKS are what matter here.
    await jwtVerify(token, await importJWK(jwk, 'ES256'), { currentDate: new Date(iat * 1000) });
  }

  it('scheduled maintenance rotates a due key, keeps the old one published for its tokens, then removes it', async () => {
    const { issuer, clock, workload, store } = await setup();
    const first = await issuer.issueToken(workload, {});
    clock.advance(7 * DAY);
    await issuer.runKeyMaintenance();
    const second = await issuer.issueToken(workload, {});
    expect(decodeProtectedHeader(second.token).kid).not.toBe(decodeProtectedHeader(first.token).kid);
    // The first token still verifies against the JWKS: its key is retired, not gone.
    await verify(issuer, first.token);
    await verify(issuer, second.token);
    expect((await issuer.listKeys('acme')).map((k) => k.state)).toEqual(['retired', 'active', 'next']);
    // After the longest token lifetime + skew + one JWKS cache lifetime it leaves.
    clock.advance((3600 + 300 + 300) * 1000);
    await issuer.runKeyMaintenance();
    expect((await issuer.listKeys('acme')).map((k) => k.state)).toEqual(['active', 'next']);
    const events = await store.audit.list({ tenantId: 'acme', action: 'signing_key.maintained' });
    expect(events.map((e) => (e.details.actions as Array<{ type: string }>).map((a) => a.type))).toEqual([['activate', 'retire', 'create'], ['remove']]);
  });

  it('a reload that finds the keys unchanged keeps the signer and documents built; a key change or an ended retention rebuilds', async () => {
    const { issuer, clock } = await setup();
    const first = await issuer.keyRing.get('acme');
    const reloaded = await issuer.keyRing.load('acme');
    expect(reloaded.documents).toBe(first.documents);
    expect(reloaded.signer).toBe(first.signer);
    expect(reloaded.loadedAt).toBe(first.loadedAt);
    clock.advance(5 * MINUTE + 1);
    await issuer.rotateKeys('acme', 'admin:test');
    const rotated = await issuer.keyRing.load('acme');
    expect(rotated.documents).not.toBe(first.documents);
    expect(rotated.signer?.kid).not.toBe(first.signer?.kid);
    const kids = (documents: typeof rotated.documents) => (JSON.parse(documents.jwks.body.toString()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    expect(kids(rotated.documents)).toContain(first.signer?.kid);
    // Same rows, but the retired key's retention ends: the JWKS is rebuilt without it.
    clock.advance((3600 + 300 + 300) * 1000);
    const later = await issuer.keyRing.load('acme');
    expect(later.documents).not.toBe(rotated.documents);
    expect(kids(later.documents)).not.toContain(first.signer?.kid);
    expect(later.signer).toBe(rotated.signer);
  });

  it('manual rotation is refused until the next key is one cache lifetime old, then switches the signer', async () => {
    const { issuer, clock, workload } = await setup();
    await expect(issuer.rotateKeys('acme', 'admin:test')).rejects.toMatchObject({ code: 'rotation_not_ready' });
    // The next key was created 1 ms after the active one (creation order is JWKS order).
    clock.advance(5 * MINUTE + 1);
    const keys = await issuer.rotateKeys('acme', 'admin:test');
    const active = keys.find((k) => k.state === 'active')!;
    const token = await issuer.issueToken(workload, {});
    expect(decodeProtectedHeader(token.token).kid).toBe(active.kid);
  });

  it('revoking the active key removes it from the JWKS at once and signs with the next key', async () => {
    const { issuer, workload } = await setup();
    const before = await issuer.issueToken(workload, {});
    const kid = decodeProtectedHeader(before.token).kid!;
    await issuer.revokeKey('acme', kid, 'admin:test');
    await expect(verify(issuer, before.token)).rejects.toThrow(/not in the JWKS/);
    const after = await issuer.issueToken(workload, {});
    await verify(issuer, after.token);
    await expect(issuer.revokeKey('acme', kid, 'admin:test')).rejects.toMatchObject({ code: 'signing_key_not_found' });
  });

  it('stores private keys only sealed: rows hold no key material, and another master key cannot open them', async () => {
    const { store, masterKey } = await setup();
    const rows = await store.db.selectFrom('signing_keys').selectAll().execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.private_key_ciphertext).not.toMatch(/PRIVATE KEY|"d":/);
      expect(JSON.parse(row.public_jwk)).not.toHaveProperty('d');
    }
    // A second issuer over the same database with the wrong master key cannot sign.
    const other = new Issuer({
      store,
      masterKey: randomBytes(32),
      issuerTemplate: () => 'https://{tenant}.id.example.com',
      policy: DEFAULT_ROTATION_POLICY,
      now: Date.now,
    });
    // It still publishes the public keys, but refuses to sign (503) instead of failing the JWKS too.
    const keys = await other.keyRing.load('acme');
    expect(keys.signerError).toBeDefined();
    expect(JSON.parse(keys.documents.jwks.body.toString())).toMatchObject({ keys: [{}, {}] });
    expect(() => other.keyRing.signerOf(keys)).toThrow(expect.objectContaining({ code: 'signing_key_unreadable', status: 503 }));
    expect(masterKey).toHaveLength(32);
  });

  it('buffered token.issued audit events land in the database on flush', async () => {
    const { issuer, workload, store } = await setup();
    const issued = await Promise.all(Array.from({ length: 20 }, () => issuer.issueToken(workload, {})));
    await issuer.flushAudit();
    const events = await store.audit.list({ tenantId: 'acme', action: 'token.issued', limit: 1000 });
    expect(events.map((e) => e.details.jti).sort()).toEqual(issued.map((t) => t.jti).sort());
  });
});
