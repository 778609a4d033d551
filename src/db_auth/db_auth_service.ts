import type { BrokerConnection } from '../broker/index.js';
import { CredentialCache, type CacheOutcome } from '../broker/index.js';
import type { CredentialBroker } from '../broker/index.js';
import type { BrokerWorkload } from '../broker/index.js';
import type { DatabaseClientOptions } from './database_client_options.js';
import type { DbAuthRequest, DbCredentials } from './db_auth_request.js';
import { dbTokenCacheKey } from './db_token_cache_key.js';
import { createRdsAuthToken } from './rds_auth_token.js';
import { getRedshiftClusterCredentials } from './redshift_cluster_credentials.js';
import { getRedshiftServerlessCredentials } from './redshift_serverless_credentials.js';

export interface DbAuthServiceOptions<W extends BrokerWorkload = BrokerWorkload> {
  /** Where AWS sessions come from: the broker caches them per role chain, region and ExternalId. */
  broker: Pick<CredentialBroker<W>, 'getCredentials'>;
  /** Injected clock (epoch ms). */
  now?: () => number;
  redshift?: DatabaseClientOptions;
  redshiftServerless?: DatabaseClientOptions;
  /**
   * A cached database password is handed out only while at least this much of its life is left
   * (default 60 s), so a client that connects a little later still gets in.
   */
  minRemainingMs?: number;
  /** Fetch a new password in the background once less than this is left (default 5 minutes). */
  refreshAheadMs?: number;
  maxEntries?: number;
}

export interface IssuedDbCredentials {
  credentials: DbCredentials;
  /** `hit` when served from the cache, without any AWS call. */
  outcome: CacheOutcome;
}

export interface DbAuthService<W extends BrokerWorkload = BrokerWorkload> {
  issue(workload: W, connection: BrokerConnection, request: DbAuthRequest): Promise<IssuedDbCredentials>;
}

/**
 * Database passwords from IAM, on top of the broker: RDS tokens signed locally with the
 * connection's session, Redshift and Redshift Serverless credentials fetched with it. Passwords
 * are cached (single-flight, refresh-ahead) until shortly before they expire, so a connection pool
 * opening many connections costs one signature or one Redshift call, and the broker's own cache
 * means one STS exchange per session.
 */
export function createDbAuthService<W extends BrokerWorkload>(options: DbAuthServiceOptions<W>): DbAuthService<W> {
  const now = options.now ?? Date.now;
  const minRemainingMs = options.minRemainingMs ?? 60_000;
  const cache = new CredentialCache<DbCredentials>({
    now,
    refreshAheadMs: options.refreshAheadMs ?? 5 * 60_000,
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
  });

  const obtain = async (
    workload: W,
    connection: BrokerConnection,
    request: DbAuthRequest & { region: string },
  ): Promise<DbCredentials> => {
    const session = await options.broker.getCredentials(workload, connection);
    const signing = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };
    switch (request.engine) {
      case 'postgres':
      case 'mysql': {
        const token = await createRdsAuthToken({ ...request, credentials: session });
        return { engine: request.engine, username: request.dbUser, password: token.token, expiresAt: token.expiresAt, host: request.host, port: request.port };
      }
      case 'redshift': {
        const answer = await getRedshiftClusterCredentials(request, signing, options.redshift);
        return { engine: request.engine, ...answer };
      }
      case 'redshift-serverless': {
        const answer = await getRedshiftServerlessCredentials(request, signing, options.redshiftServerless);
        return { engine: request.engine, ...answer };
      }
    }
  };

  return {
    async issue(workload, connection, request) {
      const resolved = { ...request, region: request.region ?? connection.region };
      const key = dbTokenCacheKey(workload, connection, resolved);
      const { value, outcome } = await cache.get(key, async () => {
        const credentials = await obtain(workload, connection, resolved);
        return { value: credentials, expiresAt: credentials.expiresAt - minRemainingMs };
      });
      return { credentials: value, outcome };
    },
  };
}
