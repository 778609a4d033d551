import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { trustPolicyFor } from '../../src/policy/index.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

const ACCOUNT = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

interface TestRun {
  trigger: string;
  ok: boolean;
  diagnosisCode: string | null;
}

/** The server's own drift watch (ROLEBRIDGE_DRIFT_WATCH_INTERVAL_SECONDS), seen through the history API and the audit log. */
describe('scheduled drift watch', () => {
  let emulator: RunningEmulator;
  let server: TestServer;
  let iam: IAMClient;
  let issuer: string;

  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { ...server.adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  async function scheduledRuns(count: number): Promise<TestRun[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const runs = (await api<{ tests: TestRun[] }>('GET', '/tenants/acme/connections/warehouse/tests')).body.tests.filter((run) => run.trigger === 'schedule');
      if (runs.length >= count || Date.now() > deadline) return runs;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    server = await startTestServer({ driftWatchIntervalSeconds: 1, runtime: { broker: { sts: { endpoint: emulator.url, maxAttempts: 1 } } } });
    iam = new IAMClient({ region: 'us-east-1', endpoint: emulator.url, credentials: ACCOUNT });
    issuer = (await api<{ issuer: string }>('POST', '/tenants', { id: 'acme', name: 'Acme' })).body.issuer;
    await api('POST', '/tenants/acme/token-configs', { name: 'aws', subjectTemplate: 'app:{deployment}:{component}' });
    await api('POST', '/tenants/acme/workloads', { deployment: 'prod', component: 'etl' });
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
    const trust = trustPolicyFor({ issuer, audience: 'sts.amazonaws.com', subject: 'app:prod:etl', accountId: '123456789012' });
    await iam.send(new CreateRoleCommand({ RoleName: 'warehouse', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const created = await api('POST', '/tenants/acme/connections', { name: 'warehouse', roleArn: 'arn:aws:iam::123456789012:role/warehouse', region: 'us-east-1', tokenConfig: 'aws' });
    expect(created.status).toBe(201);
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    await emulator?.close();
  });

  it('re-tests the connection on its own and notices when the customer breaks the trust policy', async () => {
    const passing = await scheduledRuns(1);
    expect(passing[0]).toMatchObject({ trigger: 'schedule', ok: true, diagnosisCode: null });

    const broken = trustPolicyFor({ issuer, audience: 'sts.amazonaws.com', subject: 'app:prod:another', accountId: '123456789012' });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'warehouse', PolicyDocument: JSON.stringify(broken) }));
    const deadline = Date.now() + 20_000;
    let latest: TestRun | undefined;
    while (Date.now() < deadline) {
      latest = (await scheduledRuns(1))[0];
      if (latest && !latest.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(latest).toMatchObject({ trigger: 'schedule', ok: false });
    const drift = await api<{ events: Array<{ action: string; details: Record<string, unknown> }> }>('GET', '/tenants/acme/audit?action=connection.drift');
    expect(drift.body.events.length).toBeGreaterThan(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/rolebridge_connection_drift_total\{[^}]*\} [1-9]/);
  }, 40_000);

  it('answers the history of an unknown connection with 404', async () => {
    const missing = await api<{ error: { code: string } }>('GET', '/tenants/acme/connections/nope/tests');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('connection_not_found');
  });
});
