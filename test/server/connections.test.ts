import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleChainRunner } from '../../src/broker/index.js';
import { StsCallError } from '../../src/aws/index.js';
import { EXTERNAL_ID, FIRST_ROLE_ARN, PARTNER_ROLE_ARN, startBrokerWorld, twoHopConnection, type BrokerWorld } from './credentials_fixture.js';

interface CreatedConnection {
  verification: { jti: string; attempts: number; steps: Array<Record<string, string>> } | null;
  [field: string]: unknown;
}
interface ErrorAnswer {
  error: { code: string; message: string; details: { stsMessage?: string; [field: string]: unknown } };
}
interface AuditAnswer {
  events: Array<{ target: string; outcome: string; details: Record<string, unknown> }>;
}

const CHAINED_LIMIT = 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';

describe('connections, verified through the AWS emulator', () => {
  let world: BrokerWorld;
  beforeAll(async () => {
    world = await startBrokerWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('verifies a two-hop chain with ExternalId before saving, and stores only ARNs and settings', async () => {
    const created = await world.api<CreatedConnection>('POST', '/api/v1/tenants/acme/connections', twoHopConnection(world));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'athena',
      roleArn: FIRST_ROLE_ARN,
      region: 'us-east-1',
      tokenConfig: 'aws',
      chain: [{ roleArn: PARTNER_ROLE_ARN, externalId: EXTERNAL_ID }],
      verified: true,
      verifiedWithWorkload: world.workload.id,
    });
    const verification = created.body.verification!;
    const steps = verification.steps;
    expect(steps.map((s) => s.operation)).toEqual(['AssumeRoleWithWebIdentity', 'AssumeRole']);
    // The session name carries the workload and the token's jti: CloudTrail lines up with our audit log.
    const sessionName = `rb-${world.workload.id}-${verification.jti.slice(0, 20)}`;
    expect(steps[1]!.assumedRoleArn).toBe(`arn:aws:sts::210987654321:assumed-role/partner-athena/${sessionName}`);
    expect(JSON.stringify(created.body)).not.toMatch(/SecretAccessKey|sessionToken|ASIA/);

    const events = await world.stsEvents();
    const webIdentity = events.filter((e) => e.eventName === 'AssumeRoleWithWebIdentity').at(-1)!;
    expect(webIdentity).toMatchObject({ requestParameters: { roleSessionName: sessionName } });

    const listed = await world.api<{ connections: unknown[] }>('GET', '/api/v1/tenants/acme/connections');
    expect(listed.body.connections).toEqual([expect.objectContaining({ name: 'athena', verified: true })]);
    const audit = await world.api<AuditAnswer>('GET', '/api/v1/tenants/acme/audit?action=connection.created');
    expect(audit.body.events.at(-1)).toMatchObject({ target: 'athena', details: { verified: true, jti: verification.jti } });
  });

  it('sends the durations, ExternalId and session policy it stores (seen in the emulator\'s CloudTrail events)', async () => {
    const sessionPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'athena:*', Resource: '*' }] };
    const body = {
      ...twoHopConnection(world, 'with-settings'),
      durationSeconds: 7200,
      sessionPolicy,
      chain: [{ roleArn: PARTNER_ROLE_ARN, externalId: EXTERNAL_ID, durationSeconds: 1800, sessionName: 'partner-session' }],
    };
    const created = await world.api<CreatedConnection>('POST', '/api/v1/tenants/acme/connections', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ durationSeconds: 7200, sessionPolicy });
    const events = await world.stsEvents();
    const webIdentity = events.filter((e) => e.eventName === 'AssumeRoleWithWebIdentity').at(-1)!;
    const hop = events.filter((e) => e.eventName === 'AssumeRole').at(-1)!;
    expect(webIdentity.requestParameters).toMatchObject({ roleArn: FIRST_ROLE_ARN, durationSeconds: '7200' });
    expect(webIdentity.requestParameters).not.toHaveProperty('policy'); // the policy narrows the last step only
    expect(hop.requestParameters).toMatchObject({
      roleArn: PARTNER_ROLE_ARN,
      roleSessionName: 'partner-session',
      externalId: EXTERNAL_ID,
      durationSeconds: '1800',
      policy: JSON.stringify(sessionPolicy),
    });
  });

  it('refuses a wrong ExternalId with 422 role_not_assumable carrying STS\'s code and message, and saves nothing', async () => {
    const body = { ...twoHopConnection(world, 'wrong-external-id'), chain: [{ roleArn: PARTNER_ROLE_ARN, externalId: 'not-the-agreed-id' }] };
    const refused = await world.api<ErrorAnswer>('POST', '/api/v1/tenants/acme/connections', body);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'role_not_assumable',
      details: { operation: 'AssumeRole', step: 1, roleArn: PARTNER_ROLE_ARN, stsCode: 'AccessDenied', attempts: 2 },
    });
    expect(refused.body.error.details.stsMessage).toMatch(
      /^User: arn:aws:sts::123456789012:assumed-role\/rolebridge-first\/rb-[\w-]+ is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role\/partner-athena$/,
    );
    expect((await world.api('GET', '/api/v1/tenants/acme/connections/wrong-external-id')).status).toBe(404);
    const audit = await world.api<AuditAnswer>('GET', '/api/v1/tenants/acme/audit?action=connection.verification_failed');
    expect(audit.body.events.at(-1)).toMatchObject({ outcome: 'failure', target: 'wrong-external-id', details: { stsCode: 'AccessDenied', step: 1 } });
  });

  it('refuses a role the workload\'s token cannot assume (web-identity step)', async () => {
    const refused = await world.api<ErrorAnswer>('POST', '/api/v1/tenants/acme/connections', {
      name: 'no-such-role',
      roleArn: 'arn:aws:iam::123456789012:role/does-not-exist',
      region: 'us-east-1',
      tokenConfig: 'aws',
      workload: world.workload.id,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toMatchObject({ operation: 'AssumeRoleWithWebIdentity', step: 0, stsCode: 'AccessDenied', stsMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    // The doctor's diagnosis rides along: plain JSON with a stable code, a cause and a fix.
    expect(refused.body.error.details.diagnosis).toMatchObject({ code: expect.any(String), cause: expect.any(String), fix: expect.any(String) });
  });

  it('refuses a chained duration over one hour with AWS\'s message, before and at STS', async () => {
    const body = { ...twoHopConnection(world, 'long-chain'), chain: [{ roleArn: PARTNER_ROLE_ARN, externalId: EXTERNAL_ID, durationSeconds: 7200 }] };
    const refused = await world.api<ErrorAnswer>('POST', '/api/v1/tenants/acme/connections', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_duration', message: CHAINED_LIMIT, details: { field: 'chain[0].durationSeconds' } });

    // STS itself (the emulator, as AWS) refuses it the same way when asked directly.
    const token = await world.api<{ token: string }>('POST', '/api/v1/token', {}, { authorization: `Bearer ${world.workload.secret}` });
    const runChain = createRoleChainRunner({ endpoint: world.emulator.url, maxAttempts: 1 });
    const attempt = runChain(
      { region: 'us-east-1', roleArn: FIRST_ROLE_ARN, hops: [{ roleArn: PARTNER_ROLE_ARN, externalId: EXTERNAL_ID, durationSeconds: 7200 }] },
      { token: token.body.token, sessionName: 'rb-direct-check' },
    );
    await expect(attempt).rejects.toBeInstanceOf(StsCallError);
    await expect(attempt).rejects.toMatchObject({ code: 'sts_validation_failed', failure: { stsCode: 'ValidationError', stsMessage: CHAINED_LIMIT, step: 1 } });
  });

  it('saves with verify: false without calling STS, and records that in the audit log', async () => {
    const before = (await world.stsEvents()).length;
    const created = await world.api<CreatedConnection>('POST', '/api/v1/tenants/acme/connections', {
      name: 'unverified',
      roleArn: 'arn:aws:iam::123456789012:role/not-created-yet',
      region: 'eu-west-1',
      tokenConfig: 'aws',
      verify: false,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ verified: false, verification: null, verifiedAt: null });
    expect((await world.stsEvents()).length).toBe(before);
    const audit = await world.api<AuditAnswer>('GET', '/api/v1/tenants/acme/audit?action=connection.verify_skipped');
    expect(audit.body.events).toEqual([expect.objectContaining({ target: 'unverified', details: { roleArn: 'arn:aws:iam::123456789012:role/not-created-yet' } })]);
  });

  it("verifies with the tenant's workloads when none is named, as CONTRACT.md's body has no workload", async () => {
    const created = await world.api<CreatedConnection>('POST', '/api/v1/tenants/acme/connections', {
      name: 'implicit-workload',
      roleArn: FIRST_ROLE_ARN,
      region: 'us-east-1',
      tokenConfig: 'aws',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ verified: true, verifiedWithWorkload: world.workload.id, verification: { workload: world.workload.id } });

    // A tenant with no workload has nothing to verify with.
    expect((await world.api('POST', '/api/v1/tenants', { id: 'empty-tenant', name: 'Empty' })).status).toBe(201);
    expect((await world.api('POST', '/api/v1/tenants/empty-tenant/token-configs', { name: 'aws', subjectTemplate: 'app:{deployment}' })).status).toBe(201);
    const none = await world.api<ErrorAnswer>('POST', '/api/v1/tenants/empty-tenant/connections', { name: 'x', roleArn: FIRST_ROLE_ARN, region: 'us-east-1', tokenConfig: 'aws' });
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('no_workload_to_verify');
  });

  it('refuses invalid input with stable codes', async () => {
    const base = { name: 'x', roleArn: FIRST_ROLE_ARN, region: 'us-east-1', tokenConfig: 'aws' };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, workload: 'wl_missing' }, 404, 'workload_not_found'],
      [{ ...base, tokenConfig: 'nope', verify: false }, 404, 'token_config_not_found'],
      [{ ...base, roleArn: 'arn:aws:iam::123:role/x', verify: false }, 400, 'invalid_role_arn'],
      [{ ...base, region: 'moon-1', verify: false }, 400, 'invalid_region'],
      [{ ...base, verify: false, chain: [{ roleArn: PARTNER_ROLE_ARN, externalId: 'has space' }] }, 400, 'invalid_external_id'],
      [{ ...base, name: 'athena', verify: false }, 409, 'connection_exists'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await world.api<{ error: { code: string } }>('POST', '/api/v1/tenants/acme/connections', body);
      expect([answer.status, answer.body.error.code]).toEqual([status, code]);
    }
  });

  it('requires the admin token', async () => {
    const answer = await world.api('POST', '/api/v1/tenants/acme/connections', twoHopConnection(world, 'y'), { authorization: `Bearer ${world.workload.secret}` });
    expect(answer.status).toBe(401);
  });
});
