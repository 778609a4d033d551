import type { ReadinessCheck } from '../server/index.js';
import type { Store } from '../store/index.js';

/** `/readyz`'s first check: the database answers. Never throws (the route would name it only `check`). */
export function databaseReadiness(store: Pick<Store, 'ping' | 'dialect'>): ReadinessCheck {
  return () =>
    store.ping().then(
      () => ({ name: 'database', ok: true }),
      () => ({ name: 'database', ok: false, detail: { dialect: store.dialect } }),
    );
}
