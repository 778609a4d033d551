import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { ensureBootstrapAdminKey } from '../access/index.js';
import { resolveMasterKey, type Config } from '../config/index.js';
import { assertMasterKeyOpensDatabase, databaseHasSealedKeys } from '../issuer/index.js';
import { buildServer, createLogger, Metrics, type Logger, type ServerDeps } from '../server/index.js';
import { lockDatabaseForServer, openChangeFeed, openStore, type ChangeFeed, type Store } from '../store/index.js';
import { wireServices, type WiringOptions } from './wire_services.js';

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
  issuerSigning?: WiringOptions['issuerSigning'];
  broker?: WiringOptions['broker'];
  kms?: WiringOptions['kms'];
}

/** Opens the store, makes sure an admin can log in, wires the services, builds the server and (by default) listens. */
export async function startServerRuntime(config: Config, options: RuntimeOptions = {}): Promise<ServerRuntime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const now = options.now ?? Date.now;
  // SQLite: one server per file (a second one is refused here, before it touches anything).
  const serverLock = lockDatabaseForServer(config.databaseUrl);
  let store: Store;
  // What has started so far, stopped again when a later step fails (a port in use): a signing thread or a timer
  // left running would keep the process alive after the error was reported.
  const started: Array<() => Promise<void>> = [];
  try {
    store = await openStore(config.databaseUrl, { poolSize: config.databasePoolSize, statementTimeoutMs: config.databaseStatementTimeoutMs });
  } catch (error) {
    serverLock?.release();
    throw error;
  }
  let changes: ChangeFeed | undefined;
  try {
    if (store.migrationsApplied.length > 0) logger.info({ migrations: store.migrationsApplied }, 'database migrated');
    // Before anything is written or served: the master key must be the one this database's keys are sealed under.
    const masterKey = resolveMasterKey(config, (message) => logger.warn(message), { mayGenerate: !(await databaseHasSealedKeys(store)) });
    await assertMasterKeyOpensDatabase(store, masterKey, now());
    const metrics = new Metrics({ defaultMetrics: options.defaultMetrics ?? true });
    // Many replicas: hear what the others write (PostgreSQL LISTEN/NOTIFY plus polling; nothing on SQLite).
    const feed = await openChangeFeed(store, { onError: (error) => logger.warn({ err: error }, 'change feed: lost the database; polling and reconnecting') });
    changes = feed;
    // Cluster jobs: on PostgreSQL every replica asks, one per interval runs (store.clusterJobs); SQLite is one process.
    const replica = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const { clusterJobs } = store;
    const clusterClaim =
      store.dialect === 'postgres' ? (job: string, intervalMs: number) => () => clusterJobs.claim(job, replica, now(), intervalMs) : undefined;
    const { deps, driftWatch } = wireServices({
      config,
      store,
      masterKey,
      logger,
      metrics,
      now,
      changes: feed,
      ...(clusterClaim ? { clusterClaim } : {}),
      ...(options.issuerSigning ? { issuerSigning: options.issuerSigning } : {}),
      ...(options.broker ? { broker: options.broker } : {}),
      ...(options.kms ? { kms: options.kms } : {}),
    });
    let draining = false;
    // A replica shutting down leaves the load balancer's rotation before it stops accepting.
    deps.readiness.push(async () => (draining ? { name: 'serving', ok: false, detail: { draining: true } } : { name: 'serving', ok: true }));
    const { issuer } = deps;
    started.push(() => issuer.close());
    const app = await buildServer(deps);
    started.push(() => app.close());
    const keyMaintenanceMs = 60_000;
    issuer.startKeyScheduler(keyMaintenanceMs, clusterClaim?.('key_maintenance', keyMaintenanceMs));
    driftWatch?.start();
    if (driftWatch !== undefined) started.push(() => driftWatch.stop());
    let url = '';
    if (options.listen ?? true) {
      const address = await app.listen({ host: config.host, port: config.port });
      url = address.replace('[::1]', 'localhost');
      if (!config.issuerTemplateExplicit && config.port === 0) {
        // The default issuer follows the port actually bound (tests and ephemeral dev servers listen on port 0).
        config.issuerTemplate = `http://127.0.0.1:${new URL(url).port}/t/{tenant}`;
      }
      if (config.metricsToken === undefined && !isLoopbackHost(config.host)) {
        logger.warn(
          { host: config.host },
          `ROLEBRIDGE_METRICS_TOKEN is not set and the server listens on ${config.host}, beyond loopback: /metrics is public and names tenants and connections. Set ROLEBRIDGE_METRICS_TOKEN to require a bearer token for it.`,
        );
      }
    } else {
      await app.ready();
    }
    // Only once the server is up: a start that fails (a port in use) must not spend the one-time generated token
    // that nobody saw, which would leave the next start with no admin key to show.
    // Replicas starting together on an empty database race to insert the same bootstrap key: the loser reads it again.
    const bootstrap = await ensureBootstrapAdminKey(store, config.adminToken, now()).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'concurrent_change') throw error;
      return ensureBootstrapAdminKey(store, config.adminToken, now());
    });
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
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    await changes?.close();
    await store.close();
    serverLock?.release();
    throw error;
  }
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
