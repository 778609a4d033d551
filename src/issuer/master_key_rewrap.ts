import type { Store } from '../store/index.js';
import { MasterKeyError, masterKeyVerifier } from './master_key_verifier.js';
import { isSealedLocally, openPrivateKey, sealPrivateKey } from './private_key_sealing.js';

export interface RewrapProgress {
  /** Keys re-sealed by this run. */
  rewrapped: number;
  /** Keys already under the new master key (an interrupted run got to them). */
  alreadyDone: number;
  total: number;
  /** True when an earlier, interrupted run was picked up. */
  resumed: boolean;
}

export interface RewrapOptions {
  now: () => number;
  /** Called after each key is committed (the CLI prints progress; tests interrupt here). */
  onKey?: (progress: RewrapProgress) => void;
}

/**
 * Re-seals every signing key from `oldKey` to `newKey`. Resumable: the target's verifier is recorded first,
 * each key is committed on its own (a row already under the new key is recognised by opening it), and the
 * verifier moves to the new key only once every row opens under it. Servers refuse key changes and refuse
 * to start while a rewrap is unfinished; restart them with the new key afterwards.
 */
export async function rewrapMasterKey(store: Store, oldKey: Buffer, newKey: Buffer, options: RewrapOptions): Promise<RewrapProgress> {
  const iso = (): string => new Date(options.now()).toISOString();
  const oldVerifier = masterKeyVerifier(oldKey);
  const newVerifier = masterKeyVerifier(newKey);
  if (oldVerifier === newVerifier) throw new MasterKeyError('master_key_unchanged', 'The new master key is the current one; nothing to rewrap.');
  let recorded = await store.masterKeyVerifier.get();
  if (recorded === undefined) {
    // A database from before the verifier: accept the current key only if it opens every key.
    await assertEveryKeyOpens(store, oldKey);
    await store.masterKeyVerifier.initialize(oldVerifier, iso());
    recorded = await store.masterKeyVerifier.get();
  }
  if (recorded?.verifier !== oldVerifier) {
    throw new MasterKeyError(
      'master_key_mismatch',
      recorded?.verifier === newVerifier
        ? 'The database is already under the new master key; nothing to rewrap.'
        : 'ROLEBRIDGE_MASTER_KEY is not the master key this database\'s signing keys are sealed under; nothing was written.',
    );
  }
  if (recorded.rewrapVerifier !== null && recorded.rewrapVerifier !== newVerifier) {
    throw new MasterKeyError('master_key_rewrap_unfinished', 'An unfinished rewrap to a different new master key exists; finish it with that key first.');
  }
  const resumed = recorded.rewrapVerifier === newVerifier;
  if (!(await store.masterKeyVerifier.beginRewrap(oldVerifier, newVerifier, iso()))) {
    throw new MasterKeyError('master_key_rewrap_conflict', 'The master key changed while the rewrap started; run it again.');
  }
  const progress: RewrapProgress = { rewrapped: 0, alreadyDone: 0, total: 0, resumed };
  // Walk until a pass changes nothing: a key written by a server between passes is picked up too.
  for (;;) {
    const keys = (await store.signingKeys.listAll()).filter((key) => isSealedLocally(key.sealedPrivateKey));
    progress.total = keys.length;
    let changed = 0;
    for (const key of keys) {
      const context = { tenantId: key.tenantId, kid: key.kid };
      if (opens(newKey, key.sealedPrivateKey, context)) continue;
      const privateKey = openPrivateKey(oldKey, key.sealedPrivateKey, context);
      const sealed = sealPrivateKey(newKey, privateKey, context);
      openPrivateKey(newKey, sealed, context);
      if (await store.signingKeys.replaceSealedKey(key.tenantId, key.kid, key.sealedPrivateKey, sealed)) {
        changed += 1;
        progress.rewrapped += 1;
        options.onKey?.({ ...progress });
      }
    }
    if (changed === 0) break;
  }
  progress.alreadyDone = progress.total - progress.rewrapped;
  if (!(await store.masterKeyVerifier.finishRewrap(newVerifier, iso()))) {
    throw new MasterKeyError('master_key_rewrap_conflict', 'The rewrap record changed under this run; run it again.');
  }
  return progress;
}

function opens(key: Buffer, sealed: string, context: { tenantId: string; kid: string }): boolean {
  try {
    openPrivateKey(key, sealed, context);
    return true;
  } catch {
    return false;
  }
}

async function assertEveryKeyOpens(store: Store, key: Buffer): Promise<void> {
  for (const row of await store.signingKeys.listAll()) {
    if (!isSealedLocally(row.sealedPrivateKey)) continue;
    if (!opens(key, row.sealedPrivateKey, { tenantId: row.tenantId, kid: row.kid })) {
      throw new MasterKeyError('master_key_mismatch', 'ROLEBRIDGE_MASTER_KEY does not open this database\'s signing keys; nothing was written.');
    }
  }
}
