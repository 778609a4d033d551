import type { Registry } from 'prom-client';
import { ConnectionTestRepository } from '../store/index.js';
import { runConnectionTest, type ConnectionTestServiceDeps } from './connection_test_service.js';
import { doctorMetrics } from './doctor_metrics.js';
import { DriftWatch, type DriftClock } from './drift_watch.js';

/**
 * The drift watch as a server runs it: every stored connection, re-tested with the same doctor run as
 * `POST …/test` (trigger `schedule`, actor `system:drift-watch`), history in `connection_tests`, metrics on
 * the server's registry. The server starts it when an interval is configured and stops it on close.
 */
export function createConnectionDriftWatch(deps: Omit<ConnectionTestServiceDeps, 'metrics'> & {
  /** Where the doctor's metrics are registered. */
  registry: Registry;
  intervalMs: number;
  clock?: DriftClock;
  onError?: (error: unknown, where: { tenantId?: string; connection?: string }) => void;
  /** Many replicas: sweep only the intervals this replica claims (see DriftWatchOptions.claim). */
  claim?: () => Promise<boolean>;
}): DriftWatch {
  const metrics = doctorMetrics(deps.registry);
  const history = new ConnectionTestRepository(deps.store.db);
  // One run per connection; its own history write happens in runConnectionTest, so the watch records nothing twice.
  return new DriftWatch({
    intervalMs: deps.intervalMs,
    ...(deps.clock ? { clock: deps.clock } : {}),
    connections: () => history.connectionsToWatch(),
    run: (tenantId, connection) =>
      runConnectionTest(
        {
          store: deps.store,
          issuer: deps.issuer,
          ...(deps.runChain ? { runChain: deps.runChain } : {}),
          ...(deps.sts ? { sts: deps.sts } : {}),
          now: deps.now,
          metrics,
        },
        tenantId,
        connection,
        {},
        { actor: 'system:drift-watch', trigger: 'schedule' },
      ),
    ...(deps.onError ? { onError: deps.onError } : {}),
    ...(deps.claim ? { claim: deps.claim } : {}),
  });
}
