import type { Issuer } from '../issuer/index.js';
import type { AuditTrail } from '../server/index.js';
import type { Store } from '../store/index.js';

/** The store's audit log, read after the issuer's buffered `token.issued` events are written (they wait off the hot path). */
export function auditTrail(store: Store, issuer: Pick<Issuer, 'flushAudit'>): AuditTrail {
  return {
    record: (event) => store.audit.record(event),
    list: async (query) => {
      await issuer.flushAudit();
      return store.audit.list(query);
    },
  };
}
