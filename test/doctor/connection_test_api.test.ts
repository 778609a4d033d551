import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import { runCli } from '../../src/cli/index.js';
import { DEFAULT_ACCOUNT, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/server/index.js';
import { startServerRuntime, type ServerRuntime } from '../../src/runtime/index.js';
import { createConnectionDriftWatch, type ConnectionTestResult } from '../../src/doctor/index.js';
import { ConnectionTestRepository } from '../../src/store/index.js';

/**
 * The doctor through its outside: a real rolebridge server (real issuer, tenant keys, store), the
 * emulator as the customer's AWS account set up with the AWS SDK, the HTTP API and the CLI.
 */
const ADMIN_TOKEN = 'rb_admin_test_doctor_0123456789abcdefghijklmnopq';
const ACCOUNT = DEFAULT_ACCOUNT.accountId;
const ROLE = 'acme-warehouse';
const SUBJECT_PREFIX = 'tenant:acme:deployment:prod';

let emulator: RunningEmulator;
let server: ServerRuntime;
let iam: IAMClient;
let issuer: string;
let prefix: string;
let providerArn: string;
let workloadId: string;

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const test = (body: Record<string, unknown> = {}) => api<ConnectionTestResult & { changes: Array<{ kind: string; probe?: string }> }>('POST', '/api/v1/tenants/acme/connections/warehouse/test', body);
const setTrust = (statement: object) =>
  iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) }));

/** The seeds' case (seeds/001): StringEquals on sub = a deployment prefix, and a provider ARN with `/oidc-provider` appended. */
const seedStatement = () => ({
  Effect: 'Allow',
  Action: 'sts:AssumeRoleWithWebIdentity',
  Principal: { Federated: `${providerArn}/oidc-provider` },
  Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: SUBJECT_PREFIX } },
});

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
  // GetCallerIdentity with the doctor's result goes through the SDK's standard endpoint variable, as in production.
  vi.stubEnv('AWS_ENDPOINT_URL_STS', emulator.url);
  const config = loadConfig(
    { ROLEBRIDGE_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'), ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN },
    { databaseUrl: 'sqlite::memory:', host: '127.0.0.1', port: 0, logLevel: 'warn' },
  );
  server = await startServerRuntime(config, {
    logger: createLogger({ level: 'warn', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) }),
    defaultMetrics: false,
    broker: { sts: { endpoint: emulator.url, maxAttempts: 1 } },
  });
  issuer = (await api<{ issuer: string }>('POST', '/api/v1/tenants', { id: 'acme', name: 'Acme' })).body.issuer;
  prefix = issuer.replace('http://', '');
  await api('POST', '/api/v1/tenants/acme/token-configs', {
    name: 'aws',
    audience: 'sts.amazonaws.com',
    subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}',
    lifetimeSeconds: 300,
  });
  workloadId = (await api<{ id: string }>('POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'etl' })).body.id;

  iam = new IAMClient({ endpoint: emulator.url, region: 'us-east-1', credentials: DEFAULT_ACCOUNT, maxAttempts: 1 });
  providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }))).OpenIDConnectProviderArn!;
  await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [seedStatement()] }) }));
  const created = await api('POST', '/api/v1/tenants/acme/connections', {
    name: 'warehouse',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
    region: 'us-east-1',
    tokenConfig: 'aws',
    verify: false,
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  iam?.destroy();
  await server?.close();
  await emulator?.close();
});

describe('POST /api/v1/tenants/{t}/connections/{c}/test', () => {
  it("diagnoses the seeds' case to both faults, with the corrected statement, and it works once applied", async () => {
    const seed = { Version: '2012-10-17', Statement: [seedStatement()] };
    const { status, body } = await test({ trustPolicy: seed });
    expect(status).toBe(200);
    expect(body.ok).toBe(false);
    expect(body.steps.map((step) => [step.name, step.status])).toEqual([
      ['token', 'ok'],
      ['issuer', 'warning'],
      ['assume_role_with_web_identity', 'failed'],
      ['get_caller_identity', 'skipped'],
    ]);
    expect(body.steps[0]!.detail).toContain(`sub ${SUBJECT_PREFIX}:component:etl`);
    expect(JSON.stringify(body)).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    const diagnosis = body.diagnosis!;
    expect(diagnosis.findings.map((finding) => finding.code)).toEqual(['trust_principal_mismatch', 'trust_subject_mismatch']);
    expect(diagnosis).toMatchObject({ code: 'trust_principal_mismatch', actual: `${providerArn}/oidc-provider`, expected: providerArn, basis: 'trust_policy' });
    expect(diagnosis.findings[1]).toMatchObject({ actual: `StringEquals ${SUBJECT_PREFIX}`, expected: `StringLike ${SUBJECT_PREFIX}:*` });
    expect(diagnosis.sts).toMatchObject({ code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    expect(diagnosis.correctedStatement).toEqual({
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${prefix}:sub`]: `${SUBJECT_PREFIX}:*` } },
    });

    // Pasting the corrected statement makes the exchange work; being deployment-wide, it admits a sibling component.
    await setTrust(diagnosis.correctedStatement!);
    const fixed = (await test()).body;
    expect(fixed.steps.map((step) => step.status)).toEqual(['ok', 'warning', 'ok', 'ok']);
    expect(fixed.steps[3]!.detail).toContain(`arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/rb-${workloadId}`);
    expect(fixed.probes.map((probe) => [probe.probe, probe.status])).toEqual([
      ['sibling_component', 'accepted'],
      ['sibling_deployment', 'refused'],
      ['other_tenant', 'refused'],
      ['wrong_audience', 'refused'],
    ]);
    expect(fixed.probes[0]!.subject).toBe(`${SUBJECT_PREFIX}:component:rb-probe-etl`);
    // Deployment-wide is a legitimate scope: the test passes, with a warning carrying the tightened statement.
    expect(fixed.ok).toBe(true);
    expect(fixed.diagnosis).toBeUndefined();
    expect(fixed.warnings.map((warning) => warning.code)).toEqual(['trust_too_broad']);
    expect(fixed.changes.map((change) => change.kind)).toEqual(['recovered']);
  });

  it('passes with the tightened statement, then reports drift when the customer widens or breaks the trust policy', async () => {
    const tightened = (await test()).body.warnings[0]!.correctedStatement!;
    await setTrust(tightened);
    const passing = (await test()).body;
    expect(passing.ok).toBe(true);
    expect(passing.diagnosis).toBeUndefined();
    expect(passing.probes.every((probe) => probe.status === 'refused')).toBe(true);

    // The customer widens the subject to the whole tenant: a probe refused before is now accepted.
    await setTrust({ ...tightened, Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${prefix}:sub`]: 'tenant:acme:*' } } });
    const widened = (await test()).body;
    expect(widened.changes).toEqual(
      expect.arrayContaining([
        { kind: 'probe_accepted', probe: 'sibling_component', from: 'refused', to: 'accepted' },
        { kind: 'probe_accepted', probe: 'sibling_deployment', from: 'refused', to: 'accepted' },
      ]),
    );

    // Then breaks it: passing → failing.
    await setTrust({ ...tightened, Condition: { StringEquals: { [`${prefix}:aud`]: 'prefect-cloud' } } });
    const broken = (await test()).body;
    expect(broken.diagnosis?.code).toBe('trust_policy_refused');
    expect(broken.changes).toEqual([{ kind: 'started_failing', from: 'passing', to: 'trust_policy_refused' }]);

    const audit = (await api<{ events: Array<{ action: string; details: Record<string, unknown> }> }>('GET', '/api/v1/tenants/acme/audit?limit=1000')).body.events;
    const drift = audit.filter((event) => event.action === 'connection.drift').map((event) => event.details.kind);
    expect(drift).toEqual(expect.arrayContaining(['probe_accepted', 'started_failing']));
    const tested = audit.filter((event) => event.action === 'connection.tested');
    const probes = tested.flatMap((event) => event.details.probes as Array<{ probe: string; sessionName?: string }>);
    expect(probes.some((probe) => probe.probe === 'other_tenant' && probe.sessionName?.startsWith('rb-probe-tenant-'))).toBe(true);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/rolebridge_connection_drift_total\{tenant="acme",connection="warehouse",kind="started_failing"\} 1/);

    // CloudTrail (the emulator's events) shows the probes by their session names.
    const events = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<{ requestParameters?: { roleSessionName?: string } }>;
    expect(events.some((event) => event.requestParameters?.roleSessionName?.startsWith('rb-probe-component-'))).toBe(true);
    await setTrust(tightened);
  });

  it('the scheduled drift watch runs the same doctor on every stored connection and keeps it in the history', async () => {
    const watch = createConnectionDriftWatch({
      store: server.store,
      issuer: server.deps.issuer,
      runChain: server.deps.broker.runChain,
      now: server.deps.now,
      registry: server.deps.metrics.registry,
      intervalMs: 3_600_000,
    });
    const sweep = await watch.runOnce();
    // The previous test left the role repaired after breaking it: the watch notices the recovery.
    expect(sweep).toEqual({ tested: 1, changes: [expect.objectContaining({ kind: 'recovered', tenantId: 'acme', connection: 'warehouse' })] });
    const [latest] = await new ConnectionTestRepository(server.store.db).history('acme', 'warehouse', 1);
    expect(latest).toMatchObject({ trigger: 'schedule', ok: true, acceptedProbes: [] });
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, { post?: { tags?: string[] } }> };
    const path = Object.keys(document.paths).find((candidate) => candidate.endsWith('/connections/{connection}/test'));
    expect(path).toBeDefined();
    expect(document.paths[path!]!.post?.tags).toEqual(['connections']);
  });

  it('answers 404 for an unknown connection and 401 without the admin token', async () => {
    expect((await api('POST', '/api/v1/tenants/acme/connections/nope/test', {})).status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/v1/tenants/acme/connections/warehouse/test`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(anonymous.status).toBe(401);
  });
});

describe('rolebridge connections test', () => {
  const captured = () => {
    let out = '';
    let err = '';
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    return {
      restore: () => (stdout.mockRestore(), stderr.mockRestore()),
      text: () => ({ out, err }),
    };
  };

  it('prints the diagnosis with actual and expected and the corrected statement, exit 1; --json is the API answer; exit 0 when it passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-doctor-'));
    const policyFile = join(dir, 'get-role.json');
    // `aws iam get-role` output is accepted as it is.
    writeFileSync(policyFile, JSON.stringify({ Role: { RoleName: ROLE, AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [seedStatement()] } } }));
    await setTrust(seedStatement());
    vi.stubEnv('ROLEBRIDGE_ADMIN_TOKEN', ADMIN_TOKEN);
    vi.stubEnv('NO_COLOR', '1');

    let io = captured();
    const failed = await runCli(['connections', 'test', 'warehouse', '--tenant', 'acme', '--server', server.url, '--trust-policy', policyFile]).finally(io.restore);
    const text = io.text().out;
    expect(failed).toBe(1);
    expect(text).toContain('Connection warehouse (tenant acme): failed');
    expect(text).toMatch(/✗ assume_role_with_web_identity/);
    expect(text).toContain('Diagnosis trust_principal_mismatch');
    expect(text).toContain(`Actual    ${providerArn}/oidc-provider`);
    expect(text).toContain(`Expected  ${providerArn}`);
    expect(text).toContain('trust_subject_mismatch');
    expect(text).toContain('Corrected trust-policy statement');
    expect(text).toContain(`"${prefix}:sub": "${SUBJECT_PREFIX}:*"`);

    io = captured();
    const json = await runCli(['connections', 'test', 'warehouse', '--tenant', 'acme', '--server', server.url, '--trust-policy', policyFile, '--json']).finally(io.restore);
    expect(json).toBe(1);
    const answer = JSON.parse(io.text().out) as ConnectionTestResult;
    expect(answer.diagnosis?.findings.map((finding) => finding.code)).toEqual(['trust_principal_mismatch', 'trust_subject_mismatch']);

    // Without the policy the doctor infers, and its corrected statement pins the exact subject.
    const inferred = (await test()).body.diagnosis!;
    expect(inferred).toMatchObject({ code: 'trust_policy_refused', basis: 'inferred' });
    await setTrust(inferred.correctedStatement!);
    io = captured();
    const passed = await runCli(['connections', 'test', 'warehouse', '--tenant', 'acme', '--server', server.url]).finally(io.restore);
    expect(passed).toBe(0);
    expect(io.text().out).toContain('passed');

    io = captured();
    const usage = await runCli(['connections', 'test', 'warehouse', '--tenant', 'acme', '--server', server.url, '--trust-policy', join(dir, 'missing.json')]).finally(io.restore);
    expect(usage).toBe(2);
    expect(io.text().err).toContain('cannot read --trust-policy');
  });
});
