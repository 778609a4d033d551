import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { createBrokerServices, createConnectionDriftWatch, type BrokerServicesOptions } from '../aws/index.js';
import { resolveMasterKey, type Config } from '../config/index.js';
import { DEFAULT_ROTATION_POLICY, Issuer } from '../issuer/index.js';
import { lockDatabaseForServer, openChangeFeed, openStore, type ChangeFeed, type Store } from '../store/index.js';
import { ensureBootstrapAdminKey } from './bootstrap_admin_key.js';
import { buildServer } from './build_server.js';
import type { ServerDeps } from './deps.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';

export interface ServerRuntime {
  app: FastifyInstance;
  deps: ServerDeps;
  store: Store;
  /** Base URL the server listens on (after `listen`). */
  url: string;
  /** Set when the bootstrap admin token was generated on this start: print it once. */
  generatedAdminToken: string | undefined;
  masterKey: Buffer;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  now?: () => number;
  /** Listen on config.host/config.port (default true). Tests may use `app.inject` instead. */
  listen?: boolean;
  defaultMetrics?: boolean;
  /** Where token signatures are made: a signing thread fed in batches (default) or inline (the bench compares both). */
  issuerSigning?: 'worker' | 'inline';
  /** Broker tuning: STS endpoint override (else the SDK reads AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL), cache, verification retries. */
  broker?: Pick<BrokerServicesOptions, 'sts' | 'cache' | 'verifyRetry'>;
}

/** Opens the store, makes sure an admin can log in, builds the server and (by default) listens. */
export async function startServerRuntime(config: Config, options: RuntimeOptions = {}): Promise<ServerRuntime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const now = options.now ?? Date.now;
  // SQLite: one server per file (a second one is refused here, before it touches anything).
  const serverLock = lockDatabaseForServer(config.databaseUrl);
  let store: Store;
  try {
    store = await openStore(config.databaseUrl, { poolSize: config.databasePoolSize, statementTimeoutMs: config.databaseStatementTimeoutMs });
  } catch (error) {
    serverLock?.release();
    throw error;
  }
  let changes: ChangeFeed | undefined;
  try {
    if (store.migrationsApplied.length > 0) logger.info({ migrations: store.migrationsApplied }, 'database migrated');
    const masterKey = resolveMasterKey(config, (message) => logger.warn(message));
    const bootstrap = await ensureBootstrapAdminKey(store, config.adminToken, now());
    const metrics = new Metrics({ defaultMetrics: options.defaultMetrics ?? true });
    const issuer = new Issuer({
      store,
      masterKey,
      issuerTemplate: () => config.issuerTemplate,
      policy: {
        ...DEFAULT_ROTATION_POLICY,
        jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
        rotationIntervalSeconds: config.keyRotationIntervalSeconds,
      },
      now,
      registry: metrics.registry,
      signing: options.issuerSigning ?? 'worker',
      onBackgroundError: (error, what) => logger.error({ err: error }, `issuer: ${what} failed`),
    });
    const aws = createBrokerServices({
      ...options.broker,
      store,
      issuer,
      now,
      registry: metrics.registry,
      onBackgroundError: (error, what) => logger.error({ err: error }, `broker: ${what} failed`),
    });
    // Many replicas: hear what the others write (PostgreSQL LISTEN/NOTIFY plus polling; nothing on SQLite).
    const feed = await openChangeFeed(store, { onError: (error) => logger.warn({ err: error }, 'change feed: lost the database; polling and reconnecting') });
    changes = feed;
    feed.subscribe((event) => issuer.onClusterChange(event));
    let draining = false;
    const deps: ServerDeps = {
      config,
      store,
      issuer,
      aws,
      logger,
      metrics,
      readiness: [
        () => aws.readiness(),
        // A replica shutting down leaves the load balancer's rotation before it stops accepting.
        async () => (draining ? { name: 'serving', ok: false, detail: { draining: true } } : { name: 'serving', ok: true }),
      ],
      now,
      changes: feed,
    };
    const app = await buildServer(deps);
    // Cluster jobs: on PostgreSQL every replica asks, one per interval runs (store.clusterJobs); SQLite is one process.
    const replica = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const clusterClaim = (job: string, intervalMs: number): (() => Promise<boolean>) | undefined =>
      store.dialect === 'postgres' ? () => store.clusterJobs.claim(job, replica, now(), intervalMs) : undefined;
    const keyMaintenanceMs = 60_000;
    issuer.startKeyScheduler(keyMaintenanceMs, clusterClaim('key_maintenance', keyMaintenanceMs));
    // The doctor re-tests every connection on a schedule, so a customer's edit to a trust policy is noticed.
    const driftWatch =
      config.driftWatchIntervalSeconds > 0
        ? createConnectionDriftWatch({
            store,
            issuer,
            runChain: aws.connectionDeps.runChain,
            sts: aws.sts,
            now,
            registry: metrics.registry,
            intervalMs: config.driftWatchIntervalSeconds * 1000,
            onError: (error, where) => logger.error({ err: error, ...where }, 'drift watch: a connection test failed to run'),
            ...optionalClaim(clusterClaim('drift_watch', config.driftWatchIntervalSeconds * 1000)),
          })
        : undefined;
    driftWatch?.start();
    let url = '';
    if (options.listen ?? true) {
      const address = await app.listen({ host: config.host, port: config.port });
      url = address.replace('[::1]', 'localhost');
      if (!config.issuerTemplateExplicit && config.port === 0) {
        // The default issuer follows the port actually bound (tests and ephemeral dev servers listen on port 0).
        config.issuerTemplate = `http://127.0.0.1:${new URL(url).port}/t/{tenant}`;
      }
    } else {
      await app.ready();
    }
    return {
      app,
      deps,
      store,
      url,
      generatedAdminToken: bootstrap.generatedToken,
      masterKey,
      /** Drains: not ready at once, stops the schedules, stops accepting, answers what is in flight, flushes the audit buffer. */
      async close() {
        draining = true;
        await driftWatch?.stop();
        await app.close();
        await issuer.close();
        await feed.close();
        await store.close();
        serverLock?.release();
      },
    };
  } catch (error) {
    await changes?.close();
    await store.close();
    serverLock?.release();
    throw error;
  }
}

function optionalClaim(claim: (() => Promise<boolean>) | undefined): { claim?: () => Promise<boolean> } {
  return claim ? { claim } : {};
}
