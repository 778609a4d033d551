import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../core/index.js';
import { hashSecret, type ApiKeyRecord, type Store, type WorkloadRecord } from '../store/index.js';

export type Principal =
  | { kind: 'admin'; apiKey: Pick<ApiKeyRecord, 'id' | 'name' | 'role' | 'tenantId'> }
  | { kind: 'workload'; workload: WorkloadRecord };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new UnauthenticatedError('unauthenticated', 'Send `Authorization: Bearer <token>`.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthenticatedError('unauthenticated', 'The Authorization header must be `Bearer <token>`.');
  return match[1] as string;
}

/** The audit actor string for a request: `admin:<key id>` or `workload:<id>`. */
export function actorOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) return 'anonymous';
  return principal.kind === 'admin' ? `admin:${principal.apiKey.id}` : `workload:${principal.workload.id}`;
}

interface CacheEntry<T> {
  value: T | undefined;
  expiresAt: number;
}

/**
 * Bearer authentication for admin API keys and workload secrets. Secrets are looked up by their SHA-256;
 * results are cached briefly so the hot paths (token, credentials) do not read the database when warm.
 */
export class Authenticator {
  private readonly adminCache = new Map<string, CacheEntry<ApiKeyRecord>>();
  private readonly workloadCache = new Map<string, CacheEntry<WorkloadRecord>>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly ttlMs = 10_000,
  ) {}

  /** Forget cached credentials (after a key is revoked or a workload disabled). */
  invalidate(): void {
    this.adminCache.clear();
    this.workloadCache.clear();
  }

  private async cached<T>(cache: Map<string, CacheEntry<T>>, hash: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.now();
    const hit = cache.get(hash);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = await load();
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { value, expiresAt: now + this.ttlMs });
    return value;
  }

  /**
   * preHandler for /api/v1 admin routes: a live API key; `viewer` keys may only read; a tenant-scoped key
   * only reaches its own tenant's routes (`:tenant` param).
   */
  readonly requireAdmin = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const hash = hashSecret(bearerToken(request));
    const key = await this.cached(this.adminCache, hash, () => this.store.apiKeys.findBySecretHash(hash));
    if (!key || key.revokedAt !== null) throw new UnauthenticatedError('invalid_credentials', 'The admin API key is not valid.');
    if (key.role !== 'admin' && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new ForbiddenError('forbidden', `API key '${key.name}' has role '${key.role}', which may only read.`);
    }
    const tenant = (request.params as Record<string, unknown> | undefined)?.tenant;
    if (key.tenantId !== null && (typeof tenant !== 'string' || tenant !== key.tenantId)) {
      throw new ForbiddenError('tenant_forbidden', `API key '${key.name}' is limited to tenant '${key.tenantId}'.`);
    }
    request.principal = { kind: 'admin', apiKey: { id: key.id, name: key.name, role: key.role, tenantId: key.tenantId } };
  };

  /** preHandler for workload routes: the bearer is a workload secret of a live workload. */
  readonly requireWorkload = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const hash = hashSecret(bearerToken(request));
    const workload = await this.cached(this.workloadCache, hash, () => this.store.workloads.findBySecretHash(hash));
    if (!workload || workload.disabledAt !== null) {
      throw new UnauthenticatedError('invalid_credentials', 'The workload secret is not valid.');
    }
    request.principal = { kind: 'workload', workload };
  };
}

/** The workload behind a request that passed `requireWorkload`. */
export function workloadOf(request: FastifyRequest): WorkloadRecord {
  if (request.principal?.kind !== 'workload') throw new UnauthenticatedError();
  return request.principal.workload;
}
