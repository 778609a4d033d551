import type { FastifyInstance } from 'fastify';
import { createBrokerServices, createConnectionDriftWatch, type BrokerServicesOptions } from '../aws/index.js';
import { resolveMasterKey, type Config } from '../config/index.js';
import { DEFAULT_ROTATION_POLICY, Issuer } from '../issuer/index.js';
import { openStore, type Store } from '../store/index.js';
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
  const store = await openStore(config.databaseUrl);
  // What has started so far, stopped again when a later step fails (a port in use): a signing thread or a timer
  // left running would keep the process alive after the error was reported.
  const started: Array<() => Promise<void>> = [];
  try {
    const masterKey = resolveMasterKey(config, (message) => logger.warn(message));
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
    started.push(() => issuer.close());
    const aws = createBrokerServices({
      ...options.broker,
      store,
      issuer,
      now,
      registry: metrics.registry,
      onBackgroundError: (error, what) => logger.error({ err: error }, `broker: ${what} failed`),
    });
    const deps: ServerDeps = {
      config,
      store,
      issuer,
      aws,
      logger,
      metrics,
      readiness: [() => aws.readiness()],
      now,
    };
    const app = await buildServer(deps);
    started.push(() => app.close());
    issuer.startKeyScheduler();
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
          })
        : undefined;
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
    } else {
      await app.ready();
    }
    // Only once the server is up: a start that fails (a port in use) must not spend the one-time generated token
    // that nobody saw, which would leave the next start with no admin key to show.
    const bootstrap = await ensureBootstrapAdminKey(store, config.adminToken, now());
    return {
      app,
      deps,
      store,
      url,
      generatedAdminToken: bootstrap.generatedToken,
      masterKey,
      async close() {
        await driftWatch?.stop();
        await app.close();
        await issuer.close();
        await store.close();
      },
    };
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    await store.close();
    throw error;
  }
}
