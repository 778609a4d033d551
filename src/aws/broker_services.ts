import type { Registry } from 'prom-client';
import type { Repositories, Store, WorkloadRecord } from '../store/index.js';
import { createBrokerMetrics, noBrokerMetrics } from './broker/broker_metrics.js';
import { createCredentialBroker, type CredentialBroker, type ExchangeListener } from './broker/credential_broker.js';
import type { CredentialCacheOptions } from './broker/credential_cache.js';
import { issuerTokenSource, type TokenIssuer } from './broker/issuer_token_source.js';
import { createRoleChainRunner, type RoleChainRunnerOptions } from './broker/role_chain.js';
import { ConnectionLookup } from './connections/connection_lookup.js';
import type { ConnectionServiceDeps } from './connections/create_connection.js';
import type { Diagnose, VerifyRetryOptions } from './connections/verify_connection.js';
import { diagnoseVerificationFailure } from './doctor/index.js';

export interface BrokerServicesOptions {
  store: Pick<Store, 'transaction'> & Pick<Repositories, 'tenants' | 'tokenConfigs' | 'workloads' | 'connections' | 'audit'>;
  issuer: TokenIssuer<WorkloadRecord>;
  now: () => number;
  /** The server's Prometheus registry; the broker registers its metrics on it. */
  registry?: Registry;
  /** STS endpoint override, attempts, timeout. Without `endpoint` the SDK reads AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL. */
  sts?: Omit<RoleChainRunnerOptions, 'onStsCall'>;
  cache?: Omit<CredentialCacheOptions, 'now'>;
  verifyRetry?: VerifyRetryOptions;
  /** Defaults to the doctor's diagnoseVerificationFailure. */
  diagnose?: Diagnose<WorkloadRecord>;
  onExchange?: ExchangeListener;
  /** Where a failed audit write of an exchange is reported (the exchange itself still succeeds). */
  onBackgroundError?: (error: unknown, what: string) => void;
}

/** A readiness check in the shape src/server's `/readyz` takes. */
export interface StsReadinessResult {
  name: string;
  ok: boolean;
  degraded?: boolean;
  detail?: Record<string, unknown>;
}

/** Everything the server needs for connections and credentials, built once per server. */
export interface BrokerServices {
  broker: CredentialBroker<WorkloadRecord>;
  connectionLookup: ConnectionLookup;
  connectionDeps: ConnectionServiceDeps;
  /** The STS settings every exchange uses (endpoint, attempts, timeout), for the doctor's own STS calls. */
  sts: Omit<RoleChainRunnerOptions, 'onStsCall'>;
  /**
   * For `/readyz`: the server stays ready while STS fails (cached credentials are still being
   * served), but the check is `degraded` and its detail says what failed and when.
   */
  readiness(): Promise<StsReadinessResult>;
}

export function createBrokerServices(options: BrokerServicesOptions): BrokerServices {
  const metrics = options.registry ? createBrokerMetrics(options.registry) : noBrokerMetrics;
  const runChain = createRoleChainRunner({ now: options.now, ...options.sts, onStsCall: metrics.stsCall });
  const tokenSource = issuerTokenSource(options.issuer);
  // Every STS exchange (not cache hits) lands in the audit log with the token's jti and the
  // session name, the same pair CloudTrail shows as webIdFederationData and the assumed-role ARN.
  const onExchange: ExchangeListener = (event) => {
    options.store.audit
      .record({
        tenantId: event.tenantId,
        actor: `workload:${event.workloadId}`,
        action: 'credentials.exchanged',
        target: event.connection,
        occurredAt: new Date(options.now()).toISOString(),
        details: {
          jti: event.jti,
          sessionName: event.sessionName,
          steps: event.steps.map((step) => ({ operation: step.operation, roleArn: step.roleArn, assumedRoleArn: step.assumedRoleArn })),
        },
      })
      .catch((error: unknown) => options.onBackgroundError?.(error, 'audit of an STS exchange'));
    options.onExchange?.(event);
  };
  const broker = createCredentialBroker<WorkloadRecord>({
    ...options.cache,
    now: options.now,
    tokenSource,
    runChain,
    metrics,
    onExchange,
  });
  return {
    broker,
    connectionLookup: new ConnectionLookup(options.store, options.now),
    sts: { now: options.now, ...options.sts },
    connectionDeps: {
      store: options.store,
      tokenSource,
      runChain,
      now: options.now,
      ...(options.verifyRetry ? { retry: options.verifyRetry } : {}),
      // The doctor explains a failed verify-before-save in the 422 itself.
      diagnose: options.diagnose ?? ((failure) => diagnoseVerificationFailure(failure, options.now)),
    },
    async readiness() {
      const health = broker.health();
      const failure = health.lastFailure;
      const detail: Record<string, unknown> = { status: health.status, servingStale: health.servingStale };
      if (failure && health.status === 'degraded') {
        const error = failure.error as { code?: unknown; details?: { stsCode?: unknown } };
        detail.lastFailure = {
          at: new Date(failure.at).toISOString(),
          code: typeof error.code === 'string' ? error.code : 'internal_error',
          ...(typeof error.details?.stsCode === 'string' ? { stsCode: error.details.stsCode } : {}),
        };
      }
      return { name: 'sts', ok: true, degraded: health.status === 'degraded', detail };
    },
  };
}
