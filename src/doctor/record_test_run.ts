import type { ConnectionTestRecord, NewAuditEvent, NewConnectionTest } from '../store/index.js';
import type { ConnectionTestResult } from './connection_test_result.js';
import type { DoctorMetrics } from './doctor_metrics.js';

/** A change between two tests of one connection that an operator must hear about. */
export interface DriftChange {
  kind: 'started_failing' | 'probe_accepted' | 'recovered';
  /** For `probe_accepted`: which probe. */
  probe?: string;
  from: string;
  to: string;
}

export interface TestRunStore {
  history: { latest(tenantId: string, connection: string): Promise<ConnectionTestRecord | undefined>; record(test: NewConnectionTest): Promise<ConnectionTestRecord> };
  audit: { record(event: NewAuditEvent): Promise<unknown> };
  metrics: DoctorMetrics;
}

/** The exchange itself worked (probes aside). */
export function exchangePassed(result: ConnectionTestResult): boolean {
  return result.steps.every((step) => step.status !== 'failed');
}

/**
 * Keeps one test in the connection's history, compares it with the previous one, and turns a change for
 * the worse (passing → failing, a probe refused → accepted) into an audit event and a metric; a recovery
 * is audited too. Used by the test route and the drift watch alike, so a manual test that finds drift
 * reports it the same way.
 */
export async function recordTestRun(
  store: TestRunStore,
  run: { tenantId: string; connection: string; trigger: string; result: ConnectionTestResult; durationMs: number; testedAt: string; actor: string; requestId?: string },
): Promise<{ record: ConnectionTestRecord; changes: DriftChange[] }> {
  const previous = await store.history.latest(run.tenantId, run.connection);
  const accepted = run.result.probes.filter((probe) => probe.status === 'accepted').map((probe) => probe.probe);
  const passed = exchangePassed(run.result);
  const record = await store.history.record({
    tenantId: run.tenantId,
    connection: run.connection,
    testedAt: run.testedAt,
    trigger: run.trigger,
    ok: run.result.ok,
    diagnosisCode: run.result.diagnosis?.code ?? null,
    acceptedProbes: accepted,
    durationMs: run.durationMs,
    result: run.result as unknown as Record<string, unknown>,
  });
  store.metrics.testRun({ tenant: run.tenantId, connection: run.connection, trigger: run.trigger, ok: run.result.ok });

  const changes: DriftChange[] = [];
  if (previous) {
    const previousPassed = exchangePassed(previous.result as unknown as ConnectionTestResult);
    if (previousPassed && !passed) changes.push({ kind: 'started_failing', from: 'passing', to: run.result.diagnosis?.code ?? 'failing' });
    if (!previousPassed && passed) changes.push({ kind: 'recovered', from: previous.diagnosisCode ?? 'failing', to: 'passing' });
    const previouslyRefused = new Set(
      ((previous.result as unknown as ConnectionTestResult).probes ?? []).filter((probe) => probe.status === 'refused').map((probe) => probe.probe),
    );
    for (const probe of accepted) {
      if (previouslyRefused.has(probe)) changes.push({ kind: 'probe_accepted', probe, from: 'refused', to: 'accepted' });
    }
  }
  for (const change of changes) {
    await store.audit.record({
      tenantId: run.tenantId,
      actor: run.actor,
      action: change.kind === 'recovered' ? 'connection.recovered' : 'connection.drift',
      target: run.connection,
      outcome: change.kind === 'recovered' ? 'success' : 'failure',
      ...(run.requestId ? { requestId: run.requestId } : {}),
      details: { ...change, testId: record.id, previousTestId: previous?.id ?? null, diagnosis: run.result.diagnosis?.code ?? null },
    });
    if (change.kind !== 'recovered') store.metrics.drift({ tenant: run.tenantId, connection: run.connection, kind: change.kind });
  }
  return { record, changes };
}
