import { ForbiddenError } from '../core/index.js';
import { StsCallError } from '../aws/index.js';
import type { TemporaryCredentials } from '../aws/index.js';
import { type BrokerConnection, roleChainOf } from './broker_connection.js';
import { noBrokerMetrics, type BrokerMetrics } from './broker_metrics.js';
import { credentialCacheKey } from './cache_key.js';
import { CredentialCache, type CacheAnswer, type CacheHealth, type CacheOutcome, type CredentialCacheOptions } from './credential_cache.js';
import { createRoleChainRunner, type ChainStep, type RoleChainRunner, type RoleChainRunnerOptions } from './role_chain.js';
import { sessionNameFor } from './session_name.js';
import type { BrokerWorkload, TokenSource } from './token_source.js';

/** One cached STS session: the same object for every cache hit until it is refreshed. */
export interface BrokeredSession extends TemporaryCredentials {
  /** The IAM role of the chain's last step. */
  roleArn: string;
}

/** Credentials as the broker hands them out, with how they were obtained. */
export interface BrokeredCredentials extends BrokeredSession {
  outcome: CacheOutcome;
  /**
   * The cached session itself; its identity lets callers memoise what they render from it (response
   * bytes). Always set by the broker; optional so fakes of the broker need not build it.
   */
  session?: Readonly<BrokeredSession>;
}

/** Told after every successful STS exchange (not cache hits): the audit trail's side of CloudTrail. */
export type ExchangeListener = (event: {
  tenantId: string;
  workloadId: string;
  connection: string;
  jti: string;
  sessionName: string;
  steps: ChainStep[];
}) => void;

export interface CredentialBrokerOptions<W extends BrokerWorkload = BrokerWorkload> extends CredentialCacheOptions {
  tokenSource: TokenSource<W>;
  /** Defaults to the SDK v3 runner built from `sts`. */
  runChain?: RoleChainRunner;
  /** Endpoint, attempts and timeout for the default runner. */
  sts?: Omit<RoleChainRunnerOptions, 'onStsCall'>;
  metrics?: BrokerMetrics;
  onExchange?: ExchangeListener;
}

export interface CredentialBroker<W extends BrokerWorkload = BrokerWorkload> {
  getCredentials(workload: W, connection: BrokerConnection): Promise<BrokeredCredentials>;
  /** The same answer when it is cached (a hit or a stale serve), synchronously; undefined when STS must be asked. */
  peekCredentials(workload: W, connection: BrokerConnection): BrokeredCredentials | undefined;
  /** For `/readyz` detail: degraded while STS calls fail or stale credentials are being served. */
  health(): CacheHealth;
}

/**
 * Turns (workload, connection) into short-lived AWS credentials: mint a token, run the role
 * chain, cache the result. See CredentialCache for single-flight, refresh-ahead and
 * stale-on-error; errors are StsCallError (`access_denied`, `sts_unavailable`, …).
 */
export function createCredentialBroker<W extends BrokerWorkload = BrokerWorkload>(options: CredentialBrokerOptions<W>): CredentialBroker<W> {
  const metrics = options.metrics ?? noBrokerMetrics;
  const runChain = options.runChain ?? createRoleChainRunner({ ...options.sts, onStsCall: metrics.stsCall });
  // Only STS being unreachable or failing on its side degrades health; a refused role is reported to its caller.
  const cache = new CredentialCache<Readonly<BrokeredSession>>({ isOutage: (error) => error instanceof StsCallError && error.transient, ...options });
  // Hashing the key costs more than the whole cache hit; callers that reuse their workload and
  // connection objects (the server's lookups do) pay it once.
  const keys = new WeakMap<BrokerConnection, WeakMap<W, string>>();
  const keyOf = (workload: W, connection: BrokerConnection): string => {
    let byWorkload = keys.get(connection);
    if (!byWorkload) keys.set(connection, (byWorkload = new WeakMap()));
    let key = byWorkload.get(workload);
    if (key === undefined) byWorkload.set(workload, (key = credentialCacheKey(workload, connection)));
    return key;
  };

  const exchange = async (workload: W, connection: BrokerConnection) => {
    const minted = await options.tokenSource.mint(workload, connection.tokenConfig);
    const sessionName = sessionNameFor(workload.id, minted.jti);
    const result = await runChain(
      roleChainOf(connection),
      { token: minted.token, sessionName },
    );
    options.onExchange?.({
      tenantId: connection.tenantId,
      workloadId: workload.id,
      connection: connection.name,
      jti: minted.jti,
      sessionName,
      steps: result.steps,
    });
    const session: Readonly<BrokeredSession> = Object.freeze({ ...result.credentials, roleArn: result.roleArn });
    return { value: session, expiresAt: session.expiresAt };
  };

  const keyChecked = (workload: W, connection: BrokerConnection): string => {
    // Defence in depth: routes already scope both to one tenant.
    if (workload.tenantId !== connection.tenantId) {
      throw new ForbiddenError('connection_not_in_tenant', 'This workload may not use a connection of another tenant.');
    }
    return keyOf(workload, connection);
  };
  const served = (answer: CacheAnswer<Readonly<BrokeredSession>>, tenantId: string): BrokeredCredentials => {
    metrics.cacheLookup(answer.outcome);
    metrics.credentialsServed(tenantId);
    return { ...answer.value, outcome: answer.outcome, session: answer.value };
  };

  return {
    async getCredentials(workload, connection) {
      const key = keyChecked(workload, connection);
      return served(await cache.get(key, () => exchange(workload, connection)), connection.tenantId);
    },
    peekCredentials(workload, connection) {
      const answer = cache.peek(keyChecked(workload, connection), () => exchange(workload, connection));
      return answer && served(answer, connection.tenantId);
    },
    health: () => cache.health(),
  };
}
