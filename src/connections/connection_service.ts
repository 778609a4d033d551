import { NotFoundError } from '../core/index.js';
import { ConnectionLookup } from './connection_lookup.js';
import { connectionView, type ConnectionView } from './connection_view.js';
import { createConnection, type ConnectionServiceDeps, type CreatedConnection } from './create_connection.js';
import type { ConnectionInput } from './connection_input.js';

/** Connections as the API uses them: create (verify-before-save), list, read, remove, and the cached lookup. */
export interface ConnectionService {
  /** The cached lookup the credentials hot path reads connections through. */
  lookup: ConnectionLookup;
  create(tenantId: string, input: ConnectionInput, who: { actor: string; requestId?: string }): Promise<CreatedConnection>;
  /** 404 `tenant_not_found` for an unknown tenant. */
  list(tenantId: string): Promise<ConnectionView[]>;
  /** 404 `connection_not_found`. */
  get(tenantId: string, name: string): Promise<ConnectionView>;
  /** Removes it (audited) and forgets it in the lookup; 404 `connection_not_found`. */
  remove(tenantId: string, name: string, who: { actor: string; requestId?: string }): Promise<void>;
}

function connectionNotFound(tenantId: string, name: string): NotFoundError {
  return new NotFoundError('connection_not_found', `Tenant ${tenantId} has no connection named ${name}.`, { connection: name });
}

export function createConnectionService(deps: ConnectionServiceDeps): ConnectionService {
  const { store } = deps;
  const lookup = new ConnectionLookup(store, deps.now);
  return {
    lookup,
    create: (tenantId, input, who) => createConnection(deps, tenantId, input, who),
    async list(tenantId) {
      if (!(await store.tenants.find(tenantId))) throw new NotFoundError('tenant_not_found', `No tenant ${tenantId}.`, { tenantId });
      return (await store.connections.list(tenantId)).map(connectionView);
    },
    async get(tenantId, name) {
      const record = await store.connections.find(tenantId, name);
      if (!record) throw connectionNotFound(tenantId, name);
      return connectionView(record);
    },
    async remove(tenantId, name, who) {
      const deleted = await store.transaction(async (tx) => {
        if (!(await tx.connections.delete(tenantId, name))) return false;
        await tx.audit.record({
          tenantId,
          actor: who.actor,
          action: 'connection.deleted',
          target: name,
          ...(who.requestId === undefined ? {} : { requestId: who.requestId }),
        });
        return true;
      });
      if (!deleted) throw connectionNotFound(tenantId, name);
      lookup.forget(tenantId, name);
    },
  };
}
