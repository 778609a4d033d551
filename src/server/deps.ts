import type { BrokerServices } from '../aws/index.js';
import type { Config } from '../config/index.js';
import type { Issuer } from '../issuer/index.js';
import type { ChangeFeed, Store } from '../store/index.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { ReadinessCheck } from './readiness.js';

/**
 * What the HTTP server is built from. Rooms that add routes add their service here as a field
 * (the issuer, the broker, the doctor…), constructed by `createServices` in src/server/services.ts.
 */
export interface ServerDeps {
  config: Config;
  store: Store;
  /** The multi-tenant OIDC issuer: tenants, keys, token configs, workloads, tokens, discovery + JWKS. */
  issuer: Issuer;
  /** Connections and the credential broker (STS exchange, cache, verification). */
  aws: BrokerServices;
  logger: Logger;
  metrics: Metrics;
  /** Checks `/readyz` runs besides the database. */
  readiness: ReadinessCheck[];
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  /** What other replicas on the same PostgreSQL changed; caches built here subscribe to forget stale entries. */
  changes?: ChangeFeed;
}
