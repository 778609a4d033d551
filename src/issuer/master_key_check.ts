import type { Store } from '../store/index.js';
import { MasterKeyError, masterKeyVerifier } from './master_key_verifier.js';
import { isSealedLocally, openPrivateKey } from './private_key_sealing.js';

export type MasterKeyCheck = 'verified' | 'recorded' | 'empty';

/**
 * Before a server serves anything: does `masterKey` open this database's signing keys? Refuses (throws
 * MasterKeyError, writing nothing) on a mismatch or an unfinished rewrap. A database from before the verifier
 * existed gets one, but only after every locally sealed key opened under the key given.
 */
export async function assertMasterKeyOpensDatabase(store: Store, masterKey: Buffer, now: number): Promise<MasterKeyCheck> {
  const verifier = masterKeyVerifier(masterKey);
  const recorded = await store.masterKeyVerifier.get();
  if (recorded) {
    if (recorded.rewrapVerifier !== null) {
      throw new MasterKeyError(
        'master_key_rewrap_unfinished',
        'A master-key rewrap of this database is unfinished: run `rolebridge keys rewrap --new-master-key-file F` again with the same new key, then start with the new ROLEBRIDGE_MASTER_KEY.',
      );
    }
    if (recorded.verifier !== verifier) {
      throw new MasterKeyError(
        'master_key_mismatch',
        'ROLEBRIDGE_MASTER_KEY is not the master key this database\'s signing keys are sealed under; refusing to start (nothing was written). Start with the right key, or move the keys with `rolebridge keys rewrap`.',
      );
    }
    return 'verified';
  }
  const sealed = (await store.signingKeys.listAll()).filter((key) => isSealedLocally(key.sealedPrivateKey));
  const unreadable = sealed.filter((key) => {
    try {
      openPrivateKey(masterKey, key.sealedPrivateKey, { tenantId: key.tenantId, kid: key.kid });
      return false;
    } catch {
      return true;
    }
  });
  if (unreadable.length > 0) {
    throw new MasterKeyError(
      'master_key_mismatch',
      `ROLEBRIDGE_MASTER_KEY does not open ${unreadable.length} of this database's ${sealed.length} signing keys; refusing to start (nothing was written).`,
    );
  }
  await store.masterKeyVerifier.initialize(verifier, new Date(now).toISOString());
  const after = await store.masterKeyVerifier.get();
  if (after?.verifier !== verifier) {
    throw new MasterKeyError('master_key_mismatch', 'Another server recorded a different master key for this database at the same time; refusing to start.');
  }
  return sealed.length > 0 ? 'recorded' : 'empty';
}

/** Whether the database already belongs to a master key (so a development key must not be generated for it). */
export async function databaseHasSealedKeys(store: Store): Promise<boolean> {
  if (await store.masterKeyVerifier.get()) return true;
  return (await store.signingKeys.tenantIds()).length > 0;
}
