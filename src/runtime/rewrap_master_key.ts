import { resolveMasterKey, type Config } from '../config/index.js';
import { rewrapMasterKey, type RewrapProgress } from '../issuer/index.js';
import { openStore } from '../store/index.js';

export type { RewrapProgress } from '../issuer/index.js';

/**
 * `rolebridge keys rewrap`: opens the configured database with the current master key (never a generated one)
 * and re-seals every signing key under `newKey`; resumable (see issuer/master_key_rewrap).
 */
export async function rewrapDatabaseMasterKey(config: Config, newKey: Buffer, onKey?: (progress: RewrapProgress) => void): Promise<RewrapProgress> {
  const store = await openStore(config.databaseUrl);
  try {
    const oldKey = resolveMasterKey(config, () => undefined, { mayGenerate: false });
    return await rewrapMasterKey(store, oldKey, newKey, { now: Date.now, ...(onKey ? { onKey } : {}) });
  } finally {
    await store.close();
  }
}
