import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../core/index.js';
import { fromTimestamp, hashSecret, type ApiKeyRecord, type Store, type WorkloadRecord } from '../store/index.js';
import { grantOf, SETUP_SESSION_PREFIX, type SetupGrant } from './setup_codes.js';

export type Principal =
  | { kind: 'admin'; apiKey: Pick<ApiKeyRecord, 'id' | 'name' | 'role' | 'tenantId'> }
  | { kind: 'workload'; workload: WorkloadRecord }
  | { kind: 'setup'; setup: SetupGrant };

/**
 * What a route that opts into set-up sessions acts on, read from its query or body. Each value given must be
 * the session's own: its token config, its scope pin, its connection pin (and an existing connection must use
 * the session's token config).
 */
export interface SetupAccess {
  tokenConfig?: (request: FastifyRequest) => string | undefined;
  scope?: (request: FastifyRequest) => string | undefined;
  connection?: (request: FastifyRequest) => string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The credential in `Authorization: Bearer <credential>`; `what` names it in the error ("token", "set-up code"). */
export function bearerToken(request: FastifyRequest, what = 'token'): string {
  const header = request.headers.authorization;
  if (!header) throw new UnauthenticatedError('unauthenticated', `Send \`Authorization: Bearer <${what}>\`.`);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthenticatedError('unauthenticated', `The Authorization header must be \`Bearer <${what}>\`.`);
  return match[1] as string;
}

/** The audit actor string for a request: `admin:<key id>`, `workload:<id>` or `setup:<code id>`. */
export function actorOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) return 'anonymous';
  switch (principal.kind) {
    case 'admin':
      return `admin:${principal.apiKey.id}`;
    case 'workload':
      return `workload:${principal.workload.id}`;
    case 'setup':
      return `setup:${principal.setup.codeId}`;
  }
}

function setupScopeForbidden(message: string): ForbiddenError {
  return new ForbiddenError('setup_scope_forbidden', message);
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
  readonly requireAdmin = (request: FastifyRequest, _reply: FastifyReply): Promise<void> => this.authenticateAdmin(request, true);

  /** preHandler for routes above any one tenant (the tenant list): a tenant-scoped key passes; the route narrows. */
  readonly requireAdminAnyTenant = (request: FastifyRequest, _reply: FastifyReply): Promise<void> => this.authenticateAdmin(request, false);

  private async authenticateAdmin(request: FastifyRequest, pinTenant: boolean): Promise<void> {
    const hash = hashSecret(bearerToken(request));
    const key = await this.cached(this.adminCache, hash, () => this.store.apiKeys.findBySecretHash(hash));
    if (!key || key.revokedAt !== null) {
      // A live set-up session is a real credential used out of its scope: say so rather than "not valid".
      if (await this.liveSetupSession(request, hash)) throw setupScopeForbidden('A set-up session may not call this route; it only reaches what `rolebridge setup aws` needs.');
      throw new UnauthenticatedError('invalid_credentials', 'The admin API key is not valid.');
    }
    if (key.role !== 'admin' && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new ForbiddenError('forbidden', `API key '${key.name}' has role '${key.role}', which may only read.`);
    }
    const tenant = (request.params as Record<string, unknown> | undefined)?.tenant;
    if (pinTenant && key.tenantId !== null && (typeof tenant !== 'string' || tenant !== key.tenantId)) {
      throw new ForbiddenError('tenant_forbidden', `API key '${key.name}' is limited to tenant '${key.tenantId}'.`);
    }
    request.principal = { kind: 'admin', apiKey: { id: key.id, name: key.name, role: key.role, tenantId: key.tenantId } };
  }

  /**
   * preHandler for the few routes guided set-up needs: an admin key exactly as `requireAdmin`, or a set-up
   * session (from an exchanged set-up code) limited to its tenant, token config and pins. Routes opt in one by
   * one; every other route keeps `requireAdmin`, which refuses sessions with 403 `setup_scope_forbidden`.
   */
  requireAdminOrSetup(access: SetupAccess = {}): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
    return async (request, reply) => {
      const token = bearerToken(request);
      const grant = token.startsWith(SETUP_SESSION_PREFIX) ? await this.setupSession(hashSecret(token)) : undefined;
      if (grant === undefined) return this.requireAdmin(request, reply);
      await this.checkSetupAccess(request, grant, access);
      request.principal = { kind: 'setup', setup: grant };
    };
  }

  /** The grant of a set-up session token; 401 when it is unknown or has expired. */
  private async setupSession(hash: string): Promise<SetupGrant | undefined> {
    const record = await this.store.setupCodes.findBySessionHash(hash);
    if (record === undefined) return undefined;
    if (record.sessionExpiresAt === null || fromTimestamp(record.sessionExpiresAt) <= this.now()) {
      throw new UnauthenticatedError('setup_session_expired', 'The set-up session has expired; ask your platform for a new set-up code.');
    }
    return grantOf(record);
  }

  private async liveSetupSession(request: FastifyRequest, hash: string): Promise<boolean> {
    if (!request.headers.authorization?.includes(SETUP_SESSION_PREFIX)) return false;
    const record = await this.store.setupCodes.findBySessionHash(hash);
    return record?.sessionExpiresAt != null && fromTimestamp(record.sessionExpiresAt) > this.now();
  }

  private async checkSetupAccess(request: FastifyRequest, grant: SetupGrant, access: SetupAccess): Promise<void> {
    const tenant = (request.params as Record<string, unknown> | undefined)?.tenant;
    if (tenant !== grant.tenantId) throw setupScopeForbidden(`This set-up session is for tenant '${grant.tenantId}' only.`);
    const tokenConfig = access.tokenConfig?.(request);
    if (tokenConfig !== undefined && tokenConfig !== grant.tokenConfig) {
      throw setupScopeForbidden(`This set-up session is for token config '${grant.tokenConfig}' only.`);
    }
    const scope = access.scope?.(request);
    if (scope !== undefined && grant.scope !== null && scope !== grant.scope) {
      throw setupScopeForbidden(`This set-up session is pinned to scope '${grant.scope}'.`);
    }
    const connection = access.connection?.(request);
    if (connection === undefined) return;
    if (grant.connection !== null && connection !== grant.connection) {
      throw setupScopeForbidden(`This set-up session is pinned to connection '${grant.connection}'.`);
    }
    const existing = await this.store.connections.find(grant.tenantId, connection);
    if (existing !== undefined && existing.tokenConfig !== grant.tokenConfig) {
      throw setupScopeForbidden(`Connection '${connection}' uses another token config than this set-up session's '${grant.tokenConfig}'.`);
    }
  }

  /**
   * preHandler for workload routes: the bearer is a workload secret of a live workload. Callback style so
   * a warm secret (the token and credentials hot paths) is admitted synchronously, with no promise.
   */
  readonly requireWorkload = (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    let hash: string;
    try {
      hash = hashSecret(bearerToken(request));
    } catch (error) {
      done(error as Error);
      return;
    }
    const hit = this.workloadCache.get(hash);
    if (hit && hit.expiresAt > this.now()) {
      admitWorkload(request, hit.value, done);
      return;
    }
    this.cached(this.workloadCache, hash, () => this.store.workloads.findBySecretHash(hash)).then(
      (workload) => admitWorkload(request, workload, done),
      (error: unknown) => done(error as Error),
    );
  };
}

function admitWorkload(request: FastifyRequest, workload: WorkloadRecord | undefined, done: (error?: Error) => void): void {
  if (!workload || workload.disabledAt !== null) {
    done(new UnauthenticatedError('invalid_credentials', 'The workload secret is not valid.'));
    return;
  }
  request.principal = { kind: 'workload', workload };
  done();
}

/** The workload behind a request that passed `requireWorkload`. */
export function workloadOf(request: FastifyRequest): WorkloadRecord {
  if (request.principal?.kind !== 'workload') throw new UnauthenticatedError();
  return request.principal.workload;
}
