import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startSetupWorld, type SetupWorld } from '../setup/setup_world.js';

/**
 * Subject migrations through the API on a real server whose STS is the emulator (issue 18): the plan's
 * admits are real exchanges with labelled probe tokens, its transition policy makes a role admit both
 * formats, and PATCH refuses a subject change that would break a connection unless forced.
 */
const ACCOUNT = '123456789012';
const NEW_TEMPLATE = 'acme/{deployment}/{component}';

interface Plan {
  tokenConfig: string;
  currentTemplate: string;
  subjectTemplate: string;
  breaking: string[];
  workloads: Array<{ id: string; from: string | null; to: string | null }>;
  connections: Array<{
    name: string;
    workload: string | null;
    scope: string | null;
    currentSubject: string;
    newSubject: string;
    admitsCurrent: boolean | null;
    admitsNew: boolean | null;
    probes: Array<{ label: string; subject: string; sessionName: string; jti: string; outcome: string; stsCode?: string }>;
    trustPolicy: { Statement: Array<{ Sid: string; Condition: Record<string, Record<string, unknown>> }> };
    finalTrustPolicy: { Statement: Array<{ Sid: string; Condition: Record<string, Record<string, unknown>> }> };
    documents: { transition: Record<string, string>; final: Record<string, string> };
  }>;
}

describe('POST …/token-configs/{name}/subject-migration and PATCH …/token-configs/{name}', { timeout: 120_000 }, () => {
  let world: SetupWorld;
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${world.server.url}/api/v1/tenants/acme${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const plan = async (subjectTemplate: string, scopes?: Record<string, string>): Promise<Plan> => {
    const answer = await api('POST', '/token-configs/aws/subject-migration', { subjectTemplate, ...(scopes ? { scopes } : {}) });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    return answer.json as unknown as Plan;
  };
  const trustFor = async (scope: string): Promise<string> => {
    const answer = await api('GET', `/trust-policy?tokenConfig=aws&scope=${scope}&accountId=${ACCOUNT}`);
    return JSON.stringify(answer.json.policy);
  };

  beforeAll(async () => {
    world = await startSetupWorld();
    await world.iam.send(new CreateOpenIDConnectProviderCommand({ Url: world.issuer, ClientIDList: ['sts.amazonaws.com'] }));
    // `warehouse` trusts exactly the workload; `lake` every component of deployment prod (a pattern).
    await world.iam.send(new CreateRoleCommand({ RoleName: 'warehouse', AssumeRolePolicyDocument: await trustFor(`workload:${world.workloadId}`) }));
    await world.iam.send(new CreateRoleCommand({ RoleName: 'lake', AssumeRolePolicyDocument: await trustFor('deployment:prod') }));
    for (const name of ['warehouse', 'lake']) {
      const created = await api('POST', '/connections', { name, roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`, region: 'eu-west-1', tokenConfig: 'aws' });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
    }
  });
  afterAll(async () => world?.close());

  it('plans: every sub before and after, and real exchanges of labelled current- and new-format probes per connection', async () => {
    const answer = await plan(NEW_TEMPLATE, { lake: 'deployment:prod' });
    expect(answer).toMatchObject({ tokenConfig: 'aws', currentTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}', subjectTemplate: NEW_TEMPLATE });
    expect(answer.workloads).toEqual([expect.objectContaining({ id: world.workloadId, from: 'tenant:acme:deployment:prod:component:etl', to: 'acme/prod/etl' })]);
    expect(answer.breaking.sort()).toEqual(['lake', 'warehouse']);
    for (const connection of answer.connections) {
      expect(connection).toMatchObject({
        workload: world.workloadId,
        currentSubject: 'tenant:acme:deployment:prod:component:etl',
        newSubject: 'acme/prod/etl',
        admitsCurrent: true,
        admitsNew: false,
      });
      expect(connection.probes.map((probe) => [probe.label, probe.outcome])).toEqual([
        ['current', 'admitted'],
        ['new', 'refused'],
      ]);
      expect(connection.probes[0]!.sessionName).toMatch(/^rb-probe-current-/);
      expect(connection.probes[1]!.sessionName).toMatch(/^rb-probe-new-/);
      expect(connection.probes[1]!.stsCode).toBe('AccessDenied');
    }
    // The exchanges are AWS's: the emulator's CloudTrail has both probes, by session name.
    const events = (await (await fetch(`${world.emulator.url}/_emulator/events`)).json()) as Array<{ eventName: string; requestParameters?: { roleSessionName?: string }; errorCode?: string }>;
    const warehouse = answer.connections.find((connection) => connection.name === 'warehouse')!;
    const probeEvents = events.filter((event) => warehouse.probes.some((probe) => probe.sessionName === event.requestParameters?.roleSessionName));
    expect(probeEvents.map((event) => [event.eventName, event.errorCode ?? 'ok'])).toEqual([
      ['AssumeRoleWithWebIdentity', 'ok'],
      ['AssumeRoleWithWebIdentity', 'AccessDenied'],
    ]);
    // The transition admits both formats in the connection's scope; the final one only the new format.
    const prefix = world.issuer.replace(/^http:\/\//, '');
    expect(warehouse.scope).toBe(`workload:${world.workloadId}`);
    expect(warehouse.trustPolicy.Statement.map((statement) => statement.Condition.StringEquals![`${prefix}:sub`])).toEqual([
      'tenant:acme:deployment:prod:component:etl',
      'acme/prod/etl',
    ]);
    const lake = answer.connections.find((connection) => connection.name === 'lake')!;
    expect(lake.scope).toBe('deployment:prod');
    expect(lake.trustPolicy.Statement.map((statement) => statement.Condition.StringLike![`${prefix}:sub`])).toEqual(['tenant:acme:deployment:prod:*', 'acme/prod/*']);
    expect(lake.finalTrustPolicy.Statement).toHaveLength(1);
    expect(lake.finalTrustPolicy.Statement[0]!.Sid).toBe(lake.trustPolicy.Statement[0]!.Sid);
    expect(lake.trustPolicy.Statement[1]!.Sid).toBe(`${lake.trustPolicy.Statement[0]!.Sid}NextSubject`);
    expect(JSON.parse(lake.documents.transition.json!)).toEqual(lake.trustPolicy);
    expect(lake.documents.transition.terraform).toContain('acme/prod/*');
    expect(lake.documents.final.cloudformation).toContain('AWS::IAM::Role');
    expect(lake.documents.final.cli).toContain('aws iam');
  });

  it('refuses an invalid template, an unknown scope or config with stable codes, before any exchange', async () => {
    const invalid = await api('POST', '/token-configs/aws/subject-migration', { subjectTemplate: 'x:{nope}' });
    expect(invalid.status).toBe(400);
    expect((invalid.json.error as { code: string }).code).toBe('invalid_subject_template');
    const glued = await api('POST', '/token-configs/aws/subject-migration', { subjectTemplate: '{deployment}-{component}' });
    expect((glued.json.error as { code: string }).code).toBe('invalid_subject_template');
    const scope = await api('POST', '/token-configs/aws/subject-migration', { subjectTemplate: NEW_TEMPLATE, scopes: { lake: 'everything' } });
    expect([scope.status, (scope.json.error as { code: string }).code]).toEqual([400, 'invalid_scope']);
    const missing = await api('POST', '/token-configs/nothing/subject-migration', { subjectTemplate: NEW_TEMPLATE });
    expect([missing.status, (missing.json.error as { code: string }).code]).toEqual([404, 'token_config_not_found']);
    const noBody = await api('POST', '/token-configs/aws/subject-migration', {});
    expect(noBody.status).toBe(400);
  });

  it('PATCH answers 409 subject_change_breaks_connections naming them, saves once every role admits the new format, and audits a forced change', async () => {
    const refused = await api('PATCH', '/token-configs/aws', { subjectTemplate: NEW_TEMPLATE });
    expect(refused.status).toBe(409);
    const error = refused.json.error as { code: string; details: { connections: Array<{ name: string; admitsNew: boolean }> } };
    expect(error.code).toBe('subject_change_breaks_connections');
    expect(error.details.connections.map((connection) => connection.name).sort()).toEqual(['lake', 'warehouse']);
    expect(((await api('GET', '/token-configs')).json.tokenConfigs as Array<{ subjectTemplate: string }>)[0]!.subjectTemplate).toBe(
      'tenant:{tenant}:deployment:{deployment}:component:{component}',
    );

    // Dual trust on warehouse only: the plan now proves it admits both; PATCH names lake alone.
    const planned = await plan(NEW_TEMPLATE, { lake: 'deployment:prod' });
    const transition = (name: string) => JSON.stringify(planned.connections.find((connection) => connection.name === name)!.trustPolicy);
    await world.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'warehouse', PolicyDocument: transition('warehouse') }));
    const after = await plan(NEW_TEMPLATE);
    expect(after.connections.find((connection) => connection.name === 'warehouse')).toMatchObject({ admitsCurrent: true, admitsNew: true });
    expect(after.breaking).toEqual(['lake']);
    const onlyLake = await api('PATCH', '/token-configs/aws', { subjectTemplate: NEW_TEMPLATE });
    expect((onlyLake.json.error as { details: { connections: Array<{ name: string }> } }).details.connections.map((connection) => connection.name)).toEqual(['lake']);

    // Both in dual trust: the switch goes through without force, and the workload's connection still works.
    await world.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'lake', PolicyDocument: transition('lake') }));
    const switched = await api('PATCH', '/token-configs/aws', { subjectTemplate: NEW_TEMPLATE });
    expect(switched.status, JSON.stringify(switched.json)).toBe(200);
    expect(switched.json.subjectTemplate).toBe(NEW_TEMPLATE);
    const test = await api('POST', '/connections/warehouse/test', {});
    expect(test.json.ok, JSON.stringify(test.json)).toBe(true);

    // A change no role admits, forced: saved, and the audit names what it broke.
    const forced = await api('PATCH', '/token-configs/aws', { subjectTemplate: 'other:{deployment}:{component}', force: true });
    expect(forced.status, JSON.stringify(forced.json)).toBe(200);
    const audit = (await api('GET', '/audit')).json.events as Array<{ action: string; details: Record<string, unknown> }>;
    const updates = audit.filter((event) => event.action === 'token_config.updated');
    expect(updates.map((event) => event.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subjectTemplate: { from: NEW_TEMPLATE, to: 'other:{deployment}:{component}' }, forced: true, brokenConnections: ['lake', 'warehouse'] }),
        expect.objectContaining({ subjectTemplate: { from: 'tenant:{tenant}:deployment:{deployment}:component:{component}', to: NEW_TEMPLATE } }),
      ]),
    );
    expect(audit.some((event) => event.action === 'token_config.subject_change_checked')).toBe(true);
  });

  it('an STS outage decides nothing: admits are null, the connections count as breaking, and PATCH refuses', async () => {
    const faults = `${world.emulator.url}/_emulator/faults`;
    await fetch(faults, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'AssumeRoleWithWebIdentity', outage: true }) });
    try {
      const answer = await plan('outage:{deployment}:{component}');
      for (const connection of answer.connections) {
        expect(connection).toMatchObject({ admitsCurrent: null, admitsNew: null });
        expect(connection.probes.map((probe) => probe.outcome)).toEqual(['inconclusive', 'inconclusive']);
      }
      expect(answer.breaking.sort()).toEqual(['lake', 'warehouse']);
      const refused = await api('PATCH', '/token-configs/aws', { subjectTemplate: 'outage:{deployment}:{component}' });
      expect([refused.status, (refused.json.error as { code: string }).code]).toEqual([409, 'subject_change_breaks_connections']);
    } finally {
      await fetch(faults, { method: 'DELETE' });
    }
  });

  it('PATCH validates like create and changes other settings without probing', async () => {
    const bad = await api('PATCH', '/token-configs/aws', { lifetimeSeconds: 5 });
    expect([bad.status, (bad.json.error as { code: string }).code]).toEqual([400, 'invalid_lifetime']);
    const empty = await api('PATCH', '/token-configs/aws', {});
    expect(empty.status).toBe(400);
    const lifetime = await api('PATCH', '/token-configs/aws', { lifetimeSeconds: 600 });
    expect([lifetime.status, lifetime.json.lifetimeSeconds]).toEqual([200, 600]);
    const missing = await api('PATCH', '/token-configs/nothing', { lifetimeSeconds: 600 });
    expect(missing.status).toBe(404);
  });
});
