import type { Registry } from 'prom-client';
import type { Repositories, WorkloadRecord } from '../store/index.js';
import { createBrokerMetrics, noBrokerMetrics } from './broker_metrics.js';
import { createCredentialBroker, type CredentialBroker, type ExchangeListener } from './credential_broker.js';
import type { CredentialCacheOptions } from './credential_cache.js';
import { issuerTokenSource, type TokenIssuer } from './issuer_token_source.js';
import { createRoleChainRunner, type RoleChainRunner, type RoleChainRunnerOptions } from './role_chain.js';
import type { TokenSource } from './token_source.js';

export interface BrokerServicesOptions {
  /** Where every STS exchange is audited. */
  store: Pick<Repositories, 'audit'>;
  issuer: TokenIssuer<WorkloadRecord>;
  now: () => number;
  /** The server's Prometheus registry; the broker registers its metrics on it. */
  registry?: Registry;
  /** STS endpoint override, attempts, timeout. Without `endpoint` the SDK reads AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL. */
  sts?: Omit<RoleChainRunnerOptions, 'onStsCall'>;
  cache?: Omit<CredentialCacheOptions, 'now'>;
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

/** The broker and the parts it is made of that others reuse (verify-before-save and the doctor exchange exactly as workloads do). */
export interface BrokerServices {
  broker: CredentialBroker<WorkloadRecord>;
  /** Mints a workload's token with the tenant's issuer. */
  tokenSource: TokenSource<WorkloadRecord>;
  /** Runs a role chain over STS, observed by the broker's metrics. */
  runChain: RoleChainRunner;
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
    tokenSource,
    runChain,
    sts: { now: options.now, ...options.sts },
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
