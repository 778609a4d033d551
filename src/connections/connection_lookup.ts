import { parseSetupScope, type ScopedWorkload, type SetupScope } from '../claims/index.js';
import { NotFoundError } from '../core/index.js';
import type { Repositories } from '../store/index.js';
import { assertWorkloadServed } from './connection_scope.js';
import type { BrokerConnection } from '../broker/index.js';
import { brokerConnectionOf } from './connection_view.js';

/**
 * Reads connections for the credentials hot path, remembering them briefly so a cache-hit
 * request touches no database. Connections are immutable once created (a change is a new
 * connection), so the only staleness is a deletion seen up to `ttlMs` late.
 */
export class ConnectionLookup {
  private readonly cache = new Map<string, { connection: BrokerConnection; scope: SetupScope | null; until: number }>();

  constructor(
    private readonly store: Pick<Repositories, 'connections'>,
    private readonly now: () => number,
    private readonly ttlMs = 5_000,
  ) {}

  /** The cached connection, synchronously, or undefined when the database must be read. */
  peek(tenantId: string, name: string): BrokerConnection | undefined {
    const hit = this.cache.get(`${tenantId}\u0000${name}`);
    return hit && hit.until > this.now() ? hit.connection : undefined;
  }

  /** The cached connection if `workload` may use it (403 `workload_outside_connection_scope` otherwise), or undefined when the database must be read. */
  peekFor(workload: ScopedWorkload & { tenantId: string }, name: string): BrokerConnection | undefined {
    const hit = this.cache.get(`${workload.tenantId}\u0000${name}`);
    if (!hit || hit.until <= this.now()) return undefined;
    assertWorkloadServed(name, hit.scope, workload);
    return hit.connection;
  }

  /** The connection for a workload's request: 404 when there is none, 403 when the workload is outside the scope it serves. */
  async requireFor(workload: ScopedWorkload & { tenantId: string }, name: string): Promise<BrokerConnection> {
    const connection = await this.require(workload.tenantId, name);
    assertWorkloadServed(name, this.cache.get(`${workload.tenantId}\u0000${name}`)?.scope ?? null, workload);
    return connection;
  }

  async require(tenantId: string, name: string): Promise<BrokerConnection> {
    const key = `${tenantId}\u0000${name}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.connection;
    const record = await this.store.connections.find(tenantId, name);
    if (!record) {
      this.cache.delete(key);
      throw new NotFoundError('connection_not_found', `Tenant ${tenantId} has no connection named ${name}.`, { connection: name });
    }
    if (this.cache.size >= 10_000) this.cache.clear();
    // The same object for every request within ttlMs lets the broker memoise its cache key.
    const connection = brokerConnectionOf(record);
    this.cache.set(key, { connection, scope: record.scope ? parseSetupScope(record.scope) : null, until: now + this.ttlMs });
    return connection;
  }

  forget(tenantId: string, name: string): void {
    this.cache.delete(`${tenantId}\u0000${name}`);
  }
}
