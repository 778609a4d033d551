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

/**
 * Counts kept as plain numbers per label value on the cache-hit path (a prom-client label child still hashes
 * its labels on every `inc`); a scrape adds them to the counter and starts again from zero.
 */
function tallies<L extends string>(): { add(value: L): void; drain(into: (value: L, count: number) => void): void; size(): number; clear(): void } {
  const counts = new Map<L, { count: number }>();
  return {
    add(value) {
      let slot = counts.get(value);
      if (!slot) counts.set(value, (slot = { count: 0 }));
      slot.count++;
    },
    drain(into) {
      for (const [value, slot] of counts) {
        if (slot.count === 0) continue;
        into(value, slot.count);
        slot.count = 0;
      }
    },
    size: () => counts.size,
    clear: () => counts.clear(),
  };
}

/** Registers the broker's metrics on `registry` (call once per registry). */
export function createBrokerMetrics(registry: Registry): BrokerMetrics {
  const lookupCounts = tallies<CacheOutcome>();
  const servedCounts = tallies<string>();
  // Registered on `registry`; counted only through `collect`, so no handle is kept.
  new Counter({
    name: 'rolebridge_broker_cache_lookups_total',
    help: 'Credential cache lookups by outcome: hit, miss (STS was called) or stale (served while refresh fails).',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      lookupCounts.drain((outcome, count) => this.inc({ outcome }, count));
    },
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
    collect() {
      servedCounts.drain((tenant, count) => this.inc({ tenant }, count));
    },
  });
  return {
    cacheLookup: (outcome) => lookupCounts.add(outcome),
    stsCall: ({ operation, durationMs, errorCode }) => {
      latency.observe({ operation }, durationMs / 1000);
      if (errorCode !== undefined) errors.inc({ operation, code: errorCode });
    },
    credentialsServed: (tenantId) => {
      if (servedCounts.size() >= 10_000) {
        servedCounts.drain((tenant, count) => served.inc({ tenant }, count)); // keep the counts, bound the map
        servedCounts.clear();
      }
      servedCounts.add(tenantId);
    },
  };
}
