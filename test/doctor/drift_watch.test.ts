import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { openStore, ConnectionTestRepository, type Store } from '../../src/store/index.js';
import { DriftWatch, doctorMetrics, recordTestRun, type ConnectionTestResult, type DriftClock, type TestRunStore } from '../../src/doctor/index.js';

/**
 * The drift watch over a real SQLite store: history kept per connection, and a change for the worse
 * (passing → failing, probe refused → accepted) becomes an audit event and a metric. The doctor run itself
 * is injected here (it is tested against the emulator elsewhere); the watch decides only on its results.
 */
const passing: ConnectionTestResult = {
  ok: true,
  steps: [
    { name: 'token', status: 'ok', durationMs: 1, detail: '' },
    { name: 'assume_role_with_web_identity', status: 'ok', durationMs: 1, detail: '' },
  ],
  probes: [
    { probe: 'sibling_component', status: 'refused', detail: '' },
    { probe: 'wrong_audience', status: 'refused', detail: '' },
  ],
  warnings: [],
};
const probeAccepted: ConnectionTestResult = {
  ...passing,
  probes: [
    { probe: 'sibling_component', status: 'accepted', severity: 'warning', detail: '' },
    { probe: 'wrong_audience', status: 'refused', detail: '' },
  ],
};
const failing: ConnectionTestResult = {
  ok: false,
  steps: [
    { name: 'token', status: 'ok', durationMs: 1, detail: '' },
    { name: 'assume_role_with_web_identity', status: 'failed', durationMs: 1, detail: 'AccessDenied' },
  ],
  diagnosis: {
    code: 'trust_policy_refused',
    cause: '',
    setting: '',
    actual: null,
    expected: null,
    fix: '',
    findings: [{ code: 'trust_policy_refused', cause: '', setting: '', actual: null, expected: null, fix: '' }],
    basis: 'inferred',
    transient: false,
  },
  probes: [],
  warnings: [],
};

/** A clock the test moves by hand; scheduled runs fire when time passes their due time. */
function manualClock(start: number): DriftClock & { advance(ms: number): Promise<void> } {
  let now = start;
  let pending: Array<{ due: number; run: () => void }> = [];
  return {
    now: () => now,
    schedule(ms, run) {
      const entry = { due: now + ms, run };
      pending.push(entry);
      return () => {
        pending = pending.filter((item) => item !== entry);
      };
    },
    async advance(ms) {
      now += ms;
      const due = pending.filter((item) => item.due <= now);
      pending = pending.filter((item) => item.due > now);
      for (const item of due) item.run();
      // Let the sweep's promises settle.
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

let store: Store;

/** What `runConnectionTest` does after testing: record the run (history, audit, metrics) as the scheduler's. */
const recorded = (runStore: TestRunStore, clock: { now(): number }, results: (connection: string) => Promise<ConnectionTestResult>) =>
  async (tenantId: string, connection: string) =>
    recordTestRun(runStore, {
      tenantId,
      connection,
      trigger: 'schedule',
      result: await results(connection),
      durationMs: 1,
      testedAt: new Date(clock.now()).toISOString(),
      actor: 'system:drift-watch',
    });

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  await store.tenants.insert({ id: 'acme', name: 'Acme', signingAlgorithm: 'ES256', createdAt: new Date(0).toISOString() });
  for (const name of ['warehouse', 'lake']) {
    await store.connections.insert({
      tenantId: 'acme',
      name,
      roleArn: `arn:aws:iam::123456789012:role/${name}`,
      region: 'us-east-1',
      tokenConfig: 'default',
      chain: [],
      durationSeconds: null,
      sessionPolicy: null,
      verifiedWithWorkload: null,
      verifiedAt: null,
      createdAt: new Date(0).toISOString(),
      updatedAt: new Date(0).toISOString(),
    });
  }
});
afterEach(async () => store.close());

describe('DriftWatch', () => {
  it('re-tests every connection on its interval, keeps the history, and audits and counts each change for the worse', async () => {
    const clock = manualClock(Date.parse('2026-11-25T00:00:00Z'));
    const registry = new Registry();
    const script: Record<string, ConnectionTestResult[]> = { warehouse: [passing, probeAccepted, failing, passing], lake: [passing, passing, passing, passing] };
    const history = new ConnectionTestRepository(store.db);
    const errors: unknown[] = [];
    const watch = new DriftWatch({
      intervalMs: 3_600_000,
      clock,
      connections: () => history.connectionsToWatch(),
      run: recorded({ history, audit: store.audit, metrics: doctorMetrics(registry) }, clock, async (connection) => script[connection]!.shift()!),
      onError: (error) => errors.push(error),
    });
    watch.start();
    await clock.advance(3_599_000);
    expect(await history.history('acme', 'warehouse')).toHaveLength(0);
    for (let sweep = 0; sweep < 4; sweep += 1) await clock.advance(3_600_000);
    await watch.stop();
    expect(errors).toEqual([]);

    const runs = await history.history('acme', 'warehouse');
    expect(runs.map((run) => [run.trigger, run.ok, run.diagnosisCode, run.acceptedProbes])).toEqual([
      ['schedule', true, null, []],
      ['schedule', false, 'trust_policy_refused', []],
      ['schedule', true, null, ['sibling_component']],
      ['schedule', true, null, []],
    ]);
    expect(await history.history('acme', 'lake')).toHaveLength(4);

    const events = await store.audit.list({ tenantId: 'acme' });
    const changes = events.filter((event) => event.action.startsWith('connection.')).map((event) => [event.action, event.target, event.details.kind]);
    expect(changes).toEqual([
      ['connection.drift', 'warehouse', 'probe_accepted'],
      ['connection.drift', 'warehouse', 'started_failing'],
      ['connection.recovered', 'warehouse', 'recovered'],
    ]);
    const metrics = await registry.metrics();
    expect(metrics).toContain('rolebridge_connection_drift_total{tenant="acme",connection="warehouse",kind="probe_accepted"} 1');
    expect(metrics).toContain('rolebridge_connection_drift_total{tenant="acme",connection="warehouse",kind="started_failing"} 1');
    expect(metrics).not.toContain('connection="lake",kind=');
    expect(metrics).toContain('rolebridge_connection_test_passing{tenant="acme",connection="warehouse"} 1');
  });

  it('keeps sweeping when one connection cannot be tested, and reports it', async () => {
    const history = new ConnectionTestRepository(store.db);
    const errors: Array<{ connection?: string }> = [];
    const watch = new DriftWatch({
      intervalMs: 1000,
      connections: () => history.connectionsToWatch(),
      run: recorded({ history, audit: store.audit, metrics: doctorMetrics(new Registry()) }, { now: Date.now }, async (connection) => {
        if (connection === 'lake') throw new Error('issuer down');
        return passing;
      }),
      onError: (_error, where) => errors.push(where),
    });
    const sweep = await watch.runOnce();
    expect(sweep.tested).toBe(1);
    expect(errors).toEqual([{ tenantId: 'acme', connection: 'lake' }]);
    expect(await history.history('acme', 'warehouse')).toHaveLength(1);
  });
});
