import type { FastifyInstance } from 'fastify';
import { ensureBootstrapAdminKey } from '../access/index.js';
import { resolveMasterKey, type Config } from '../config/index.js';
import { buildServer, createLogger, Metrics, type Logger, type ServerDeps } from '../server/index.js';
import { openStore, type Store } from '../store/index.js';
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
}

/** Opens the store, makes sure an admin can log in, wires the services, builds the server and (by default) listens. */
export async function startServerRuntime(config: Config, options: RuntimeOptions = {}): Promise<ServerRuntime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const now = options.now ?? Date.now;
  const store = await openStore(config.databaseUrl);
  try {
    const masterKey = resolveMasterKey(config, (message) => logger.warn(message));
    const bootstrap = await ensureBootstrapAdminKey(store, config.adminToken, now());
    const metrics = new Metrics({ defaultMetrics: options.defaultMetrics ?? true });
    const { deps, driftWatch } = wireServices({
      config,
      store,
      masterKey,
      logger,
      metrics,
      now,
      ...(options.issuerSigning ? { issuerSigning: options.issuerSigning } : {}),
      ...(options.broker ? { broker: options.broker } : {}),
    });
    const { issuer } = deps;
    const app = await buildServer(deps);
    issuer.startKeyScheduler();
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
      async close() {
        await driftWatch?.stop();
        await app.close();
        await issuer.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
