import { Counter, Gauge, type Registry } from 'prom-client';

/** What the doctor reports to Prometheus: test outcomes and drift. */
export interface DoctorMetrics {
  testRun(labels: { tenant: string; connection: string; trigger: string; ok: boolean }): void;
  drift(labels: { tenant: string; connection: string; kind: string }): void;
}

export const noDoctorMetrics: DoctorMetrics = { testRun: () => undefined, drift: () => undefined };

const perRegistry = new WeakMap<Registry, DoctorMetrics>();

/**
 * `rolebridge_connection_tests_total{tenant,connection,trigger,result}`,
 * `rolebridge_connection_test_passing{tenant,connection}` (1/0, the latest verdict) and
 * `rolebridge_connection_drift_total{tenant,connection,kind}` — operators alert on the last one to notice
 * a customer editing a trust policy. One set per registry: the route and the drift watch share it.
 */
export function doctorMetrics(registry: Registry): DoctorMetrics {
  const existing = perRegistry.get(registry);
  if (existing) return existing;
  const tests = new Counter({
    name: 'rolebridge_connection_tests_total',
    help: 'Connection tests run by the doctor, by trigger and result.',
    labelNames: ['tenant', 'connection', 'trigger', 'result'],
    registers: [registry],
  });
  const passing = new Gauge({
    name: 'rolebridge_connection_test_passing',
    help: 'Whether the latest test of a connection passed (1) or failed (0).',
    labelNames: ['tenant', 'connection'],
    registers: [registry],
  });
  const drift = new Counter({
    name: 'rolebridge_connection_drift_total',
    help: 'Connections that changed for the worse between two tests: started failing, or accepted a probe it refused before.',
    labelNames: ['tenant', 'connection', 'kind'],
    registers: [registry],
  });
  const metrics: DoctorMetrics = {
    testRun: ({ tenant, connection, trigger, ok }) => {
      tests.inc({ tenant, connection, trigger, result: ok ? 'passed' : 'failed' });
      passing.set({ tenant, connection }, ok ? 1 : 0);
    },
    drift: (labels) => drift.inc(labels),
  };
  perRegistry.set(registry, metrics);
  return metrics;
}
