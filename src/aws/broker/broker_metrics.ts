import { Counter, Histogram, type Registry } from 'prom-client';
import type { CacheOutcome } from './credential_cache.js';
import type { StsCallObserver } from './role_chain.js';

/** What the broker reports; the server wires it to its Prometheus registry. */
export interface BrokerMetrics {
  cacheLookup(outcome: CacheOutcome): void;
  stsCall: StsCallObserver;
  credentialsServed(tenantId: string): void;
}

export const noBrokerMetrics: BrokerMetrics = {
  cacheLookup: () => undefined,
  stsCall: () => undefined,
  credentialsServed: () => undefined,
};

/** Registers the broker's metrics on `registry` (call once per registry). */
export function createBrokerMetrics(registry: Registry): BrokerMetrics {
  const lookups = new Counter({
    name: 'rolebridge_broker_cache_lookups_total',
    help: 'Credential cache lookups by outcome: hit, miss (STS was called) or stale (served while refresh fails).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'rolebridge_sts_request_duration_seconds',
    help: 'Latency of STS calls made by the broker, by operation.',
    labelNames: ['operation'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'rolebridge_sts_errors_total',
    help: 'STS calls that failed, by operation and STS error code.',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });
  const served = new Counter({
    name: 'rolebridge_credentials_served_total',
    help: 'AWS credentials handed to workloads, by tenant.',
    labelNames: ['tenant'],
    registers: [registry],
  });
  // Label children resolved once: on the cache-hit path a label lookup per request is measurable.
  const lookupChildren = new Map<CacheOutcome, ReturnType<typeof lookups.labels>>();
  const servedChildren = new Map<string, ReturnType<typeof served.labels>>();
  return {
    cacheLookup: (outcome) => {
      let child = lookupChildren.get(outcome);
      if (!child) lookupChildren.set(outcome, (child = lookups.labels({ outcome })));
      child.inc();
    },
    stsCall: ({ operation, durationMs, errorCode }) => {
      latency.observe({ operation }, durationMs / 1000);
      if (errorCode !== undefined) errors.inc({ operation, code: errorCode });
    },
    credentialsServed: (tenantId) => {
      let child = servedChildren.get(tenantId);
      if (!child) {
        if (servedChildren.size >= 10_000) servedChildren.clear();
        servedChildren.set(tenantId, (child = served.labels({ tenant: tenantId })));
      }
      child.inc();
    },
  };
}
