import type { ApiKeyService, Authenticator, ConsoleSignIn, OperatorIdp, OperatorSessions, SetupCodeService } from '../access/index.js';
import type { BrokerServices } from '../broker/index.js';
import type { Config } from '../config/index.js';
import type { ConnectionService } from '../connections/index.js';
import type { DbAuthService } from '../db_auth/index.js';
import type { DoctorService } from '../doctor/index.js';
import type { Issuer } from '../issuer/index.js';
import type { ChangeFeed } from '../store/index.js';
import type { AuditTrail } from './audit_trail.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { ReadinessCheck } from './readiness.js';

/**
 * What the HTTP server is built from: ready services, wired once by `wireServices` in src/runtime.
 * Routes use these; they do not build services themselves, and none reads the store.
 */
export interface ServerDeps {
  config: Config;
  /** The audit log: recorded by routes that change something, read by the audit route. */
  audit: AuditTrail;
  /** The multi-tenant OIDC issuer: tenants, keys, token configs, workloads, tokens, discovery + JWKS. */
  issuer: Issuer;
  /** The credential broker (STS exchange, cache) and the chain runner the doctor and verification share. */
  broker: BrokerServices;
  /** Connections: verify-before-save, list/read/remove, the cached lookup the credentials path reads. */
  connections: ConnectionService;
  /** Connection tests and their history. */
  doctor: DoctorService;
  dbAuth: DbAuthService;
  /** Who is calling: API keys, IdP tokens, operator sessions, workload secrets, set-up sessions. */
  auth: Authenticator;
  /** API keys beyond the bootstrap one: issue, list, revoke. */
  apiKeys: ApiKeyService;
  /** Set-up codes: issued by an operator, exchanged once for a set-up session. */
  setupCodes: SetupCodeService;
  /** The platform's IdP for operator sign-in (ROLEBRIDGE_AUTH_JWT_*), when configured. */
  idp: OperatorIdp | undefined;
  /** Operator sessions after IdP sign-in. */
  sessions: OperatorSessions;
  /** The console's IdP sign-in; undefined when no IdP is configured. */
  signIn: ConsoleSignIn | undefined;
  logger: Logger;
  metrics: Metrics;
  /** Checks `/readyz` runs, the database's first. */
  readiness: ReadinessCheck[];
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  /** What other replicas on the same PostgreSQL changed; caches built here subscribe to forget stale entries. */
  changes?: ChangeFeed;
}
