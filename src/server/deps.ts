import type { Authenticator, ConsoleSignIn, OperatorIdp, OperatorSessions } from '../access/index.js';
import type { BrokerServices } from '../broker/index.js';
import type { Config } from '../config/index.js';
import type { ConnectionService } from '../connections/index.js';
import type { DbAuthService } from '../db_auth/index.js';
import type { DoctorService } from '../doctor/index.js';
import type { Issuer } from '../issuer/index.js';
import type { ChangeFeed, Store } from '../store/index.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { ReadinessCheck } from './readiness.js';

/**
 * What the HTTP server is built from: ready services, wired once by `wireServices` in src/runtime.
 * Routes use these; they do not build services themselves.
 */
export interface ServerDeps {
  config: Config;
  store: Store;
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
  /** The platform's IdP for operator sign-in (ROLEBRIDGE_AUTH_JWT_*), when configured. */
  idp: OperatorIdp | undefined;
  /** Operator sessions after IdP sign-in. */
  sessions: OperatorSessions;
  /** The console's IdP sign-in; undefined when no IdP is configured. */
  signIn: ConsoleSignIn | undefined;
  logger: Logger;
  metrics: Metrics;
  /** Checks `/readyz` runs besides the database. */
  readiness: ReadinessCheck[];
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  /** What other replicas on the same PostgreSQL changed; caches built here subscribe to forget stale entries. */
  changes?: ChangeFeed;
}
