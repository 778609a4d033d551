import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from './authorize.js';
import type { IdpTokenVerifier } from './idp/idp_token_verifier.js';
import { InvalidTokenError } from './idp/invalid_token_error.js';
import { isOwnTenantIssuer } from './idp/own_issuer.js';
import { auditActorText, type OperatorPrincipal } from './operator_principal.js';
import { SESSION_TOKEN_PREFIX, type OperatorSessions } from './operator_sessions.js';
import { routePermission } from './route_permissions.js';
import { ForbiddenError, UnauthenticatedError } from '../core/index.js';
import { sameSetupScope } from '../claims/index.js';
import { fromTimestamp, hashSecret, type ApiKeyRecord, type ChangeEvent, type Store, type WorkloadRecord } from '../store/index.js';
import { grantOf, SETUP_SESSION_PREFIX, type SetupGrant } from './setup_codes.js';

export type Principal =
  | { kind: 'operator'; operator: OperatorPrincipal }
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
    /** The operator session the request came with (so logout can end it). */
    operatorSessionId?: string;
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

/**
 * The audit actor text for a request: `admin:<key id>` for API keys, the JSON of `{type: "user", sub, email?, issuer}`
 * for IdP users, `workload:<id>` or `setup:<code id>`.
 */
export function actorOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) return 'anonymous';
  switch (principal.kind) {
    case 'operator':
      return auditActorText(principal.operator.actor);
    case 'workload':
      return `workload:${principal.workload.id}`;
    case 'setup':
      return `setup:${principal.setup.codeId}`;
  }
}

function setupScopeForbidden(message: string): ForbiddenError {
  return new ForbiddenError('setup_scope_forbidden', message);
}

/**
 * Which phase a guard runs in. Guards are declared as a route's `preHandler` (readable next to the route);
 * `authenticateFirst` (an `onRoute` hook) moves them before body parsing and schema validation, so an
 * unauthenticated request gets 401 and never learns the schema from a 400.
 */
export const GUARD = Symbol('rolebridge.guard');
type Guarded<T> = T & { [GUARD]?: 'identity' | 'setup' };

function markGuard<T extends object>(handler: T, kind: 'identity' | 'setup'): T {
  (handler as Guarded<T>)[GUARD] = kind;
  return handler;
}

export function guardKind(handler: unknown): 'identity' | 'setup' | undefined {
  return typeof handler === 'function' ? (handler as Guarded<object>)[GUARD] : undefined;
}

/** What an access reader returns when the body it reads is not there yet or is not an object (validation says why). */
function readAccess(read: ((request: FastifyRequest) => string | undefined) | undefined, request: FastifyRequest): string | undefined {
  if (read === undefined) return undefined;
  try {
    const value = read(request);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Three base64url parts, the first a JSON header: a JWT, not an API key. */
const JWT_SHAPE = /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/;

function issuerOfUnverifiedJwt(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

export function apiKeyPrincipal(key: Pick<ApiKeyRecord, 'id' | 'name' | 'role' | 'tenantId'>): OperatorPrincipal {
  return {
    via: 'api_key',
    actor: { type: 'api_key', id: key.id },
    grants: [key.tenantId === null ? { role: key.role } : { role: key.role, tenant: key.tenantId }],
    label: `API key '${key.name}'`,
  };
}

export interface AuthenticatorOptions {
  /** The platform's IdP (ROLEBRIDGE_AUTH_JWT_*): its bearer tokens are operator identities. */
  idp?: IdpTokenVerifier | undefined;
  /** ROLEBRIDGE_ISSUER_TEMPLATE, read when needed (it follows the bound port): tokens of our own issuers are refused. */
  issuerTemplate?: () => string;
  /** Operator sessions after IdP sign-in: cookie `rolebridge_session` (console) or bearer `rb_session_…` (CLI). */
  sessions?: OperatorSessions | undefined;
  ttlMs?: number;
}

export const SESSION_COOKIE = 'rolebridge_session';
export const CSRF_COOKIE = 'rolebridge_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An operator credential: `Authorization: Bearer …` first, else the console's session cookie. */
interface OperatorCredential {
  token: string;
  from: 'bearer' | 'cookie';
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const value = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[name];
  return value === undefined || value === '' ? undefined : value;
}

function credentialOf(request: FastifyRequest): OperatorCredential {
  if (request.headers.authorization === undefined) {
    const session = cookieOf(request, SESSION_COOKIE);
    if (session !== undefined) return { token: session, from: 'cookie' };
  }
  return { token: bearerToken(request), from: 'bearer' };
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

  private readonly ttlMs: number;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly options: AuthenticatorOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
  }

  /** Forget cached credentials (after a key is revoked or a workload disabled). */
  invalidate(): void {
    this.adminCache.clear();
    this.workloadCache.clear();
  }

  /** Another replica wrote (the store's change feed): forget what its rows may have made stale. */
  onClusterChange(event: ChangeEvent): void {
    if (event.topic === 'api_keys' || event.topic === 'resync') this.adminCache.clear();
    if (event.topic === 'workloads' || event.topic === 'resync') this.workloadCache.clear();
  }

  private async cached<T>(cache: Map<string, CacheEntry<T>>, hash: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.now();
    const hit = cache.get(hash);
    if (hit && hit.expiresAt > now) return hit.value;
    let value: T | undefined;
    try {
      value = await load();
    } catch (error) {
      // The database is briefly away: a credential seen recently keeps working (revocations arrive by the
      // change feed once it is back); an unknown one is refused by the error.
      if (hit) return hit.value;
      throw error;
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { value, expiresAt: now + this.ttlMs });
    return value;
  }

  /**
   * Who an operator credential is: an API key (by its hash), or a bearer JWT of the platform's IdP. No role is
   * decided here; `requireAdmin` asks the permission table.
   */
  async operatorFor(request: FastifyRequest, credential: OperatorCredential): Promise<OperatorPrincipal> {
    const token = credential.token;
    if (token.startsWith(SESSION_TOKEN_PREFIX) && this.options.sessions !== undefined) return this.sessionPrincipal(request, credential);
    if (credential.from === 'cookie') throw new UnauthenticatedError('session_expired', 'The session has ended; sign in again.');
    const hash = hashSecret(token);
    const key = await this.cached(this.adminCache, hash, () => this.store.apiKeys.findBySecretHash(hash));
    if (key && key.revokedAt === null) return apiKeyPrincipal(key);
    if (!key && JWT_SHAPE.test(token)) return this.idpPrincipal(token);
    // A live set-up session is a real credential used out of its scope: say so rather than "not valid".
    if (!key && (await this.liveSetupSession(request, hash))) {
      throw setupScopeForbidden('A set-up session may not call this route; it only reaches what `rolebridge setup aws` needs.');
    }
    throw new UnauthenticatedError('invalid_credentials', 'The admin API key is not valid.');
  }

  /** A session: from the cookie, every change must echo the CSRF cookie in `X-CSRF-Token` (double submit, bound to the session). */
  private async sessionPrincipal(request: FastifyRequest, credential: OperatorCredential): Promise<OperatorPrincipal> {
    const session = await this.options.sessions?.authenticate(credential.token, this.now());
    if (!session) throw new UnauthenticatedError('session_expired', 'The session has ended; sign in again.');
    if (credential.from === 'cookie' && !SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      const cookie = cookieOf(request, CSRF_COOKIE);
      if (typeof header !== 'string' || cookie === undefined || header !== cookie || hashSecret(header) !== session.csrfHash) {
        throw new ForbiddenError('csrf_failed', 'A change made with the session cookie must send the `rolebridge_csrf` cookie in the X-CSRF-Token header.');
      }
    }
    request.operatorSessionId = session.sessionId;
    return session.principal;
  }

  private async idpPrincipal(token: string): Promise<OperatorPrincipal> {
    const iss = issuerOfUnverifiedJwt(token);
    const template = this.options.issuerTemplate?.();
    if (iss !== undefined && template !== undefined && isOwnTenantIssuer(template, iss)) throw new InvalidTokenError('rolebridge_issuer');
    if (this.options.idp === undefined) throw new InvalidTokenError('idp_not_configured');
    const identity = await this.options.idp.verify(token, this.now());
    const label = `User '${identity.email ?? identity.sub}'`;
    if (identity.grants.length === 0) {
      throw new ForbiddenError('no_role', `${label} has no rolebridge role (admin, operator, viewer or <tenant>:<role>) in the token.`);
    }
    return {
      via: 'idp_token',
      actor: { type: 'user', sub: identity.sub, ...(identity.email === undefined ? {} : { email: identity.email }), issuer: identity.issuer },
      grants: identity.grants,
      label,
    };
  }

  /**
   * preHandler for /api/v1 operator routes: an API key or IdP token whose roles hold the route's permission
   * (src/access ROUTE_PERMISSIONS), for the route's `:tenant` when it names one.
   */
  readonly requireAdmin = markGuard(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const operator = await this.operatorFor(request, credentialOf(request));
    request.principal = { kind: 'operator', operator };
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const tenant = (request.params as Record<string, unknown> | undefined)?.tenant;
    authorize(operator, routePermission(method, request.routeOptions.url ?? ''), typeof tenant === 'string' ? tenant : undefined);
  }, 'identity');

  /** preHandler for routes any operator may call whatever the role (`GET /api/v1/me`). */
  readonly requireOperator = markGuard(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.principal = { kind: 'operator', operator: await this.operatorFor(request, credentialOf(request)) };
  }, 'identity');

  /**
   * preHandler for the few routes guided set-up needs: an admin key exactly as `requireAdmin`, or a set-up
   * session (from an exchanged set-up code) limited to its tenant, token config and pins. Routes opt in one by
   * one; every other route keeps `requireAdmin`, which refuses sessions with 403 `setup_scope_forbidden`.
   */
  requireAdminOrSetup(access: SetupAccess = {}): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
    // Runs twice when moved first: before the body is read (who, which tenant), then once it is (what it names).
    // An operator was authenticated and authorized (route permission, path tenant) in the first phase; the body
    // adds nothing to decide for it.
    return markGuard(async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (request.principal?.kind === 'setup') return this.checkSetupAccess(request, request.principal.setup, access);
      if (request.principal?.kind === 'operator') return;
      if (request.headers.authorization === undefined) return this.requireAdmin(request, reply); // a console session
      const token = bearerToken(request);
      const grant = token.startsWith(SETUP_SESSION_PREFIX) ? await this.setupSession(hashSecret(token)) : undefined;
      if (grant === undefined) return this.requireAdmin(request, reply);
      await this.checkSetupAccess(request, grant, access);
      request.principal = { kind: 'setup', setup: grant };
    }, 'setup');
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
    const tokenConfig = readAccess(access.tokenConfig, request);
    if (tokenConfig !== undefined && tokenConfig !== grant.tokenConfig) {
      throw setupScopeForbidden(`This set-up session is for token config '${grant.tokenConfig}' only.`);
    }
    const scope = readAccess(access.scope, request);
    if (scope !== undefined && grant.scope !== null && !sameSetupScope(scope, grant.scope)) {
      throw setupScopeForbidden(`This set-up session is pinned to scope '${grant.scope}'.`);
    }
    const connection = readAccess(access.connection, request);
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
  readonly requireWorkload = markGuard((request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
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
  }, 'identity');
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
