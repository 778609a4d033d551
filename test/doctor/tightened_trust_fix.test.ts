import { UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../src/doctor/test_connection.js';
import type { ConnectionTestResult } from '../../src/doctor/connection_test_result.js';
import { AUDIENCE, SUBJECT, connectionFor, createRole, startDoctorWorld, testIssuerTokens, type DoctorWorld } from './doctor_fixture.js';

/**
 * Issue 14, "the doctor's offered fix must always work", for `trust_too_broad`: the tightened statement the
 * doctor offers when a probe gets in is proven with the policy engine like every other fix, and applying it
 * in the emulator really shuts the probe out while the connection keeps working.
 */
describe('the tightened statement offered for trust_too_broad', () => {
  let world: DoctorWorld;
  beforeAll(async () => {
    world = await startDoctorWorld();
  });
  afterAll(async () => world?.close());

  const allow = (sub: string) => ({
    Effect: 'Allow',
    Principal: { Federated: world.providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${world.prefix}:aud`]: AUDIENCE }, StringLike: { [`${world.prefix}:sub`]: sub } },
  });
  const run = (roleArn: string, trustPolicy: string): Promise<ConnectionTestResult> =>
    testConnection({ connection: connectionFor(roleArn), workloadId: 'wl-etl', tokens: testIssuerTokens(world.issuer), sts: { endpoint: world.emulator.url, maxAttempts: 1 }, trustPolicy, now: Date.now });

  it('one statement lets another tenant in: the statement offered in its place is proven, and applied it works', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [allow('tenant:*')] });
    const role = await createRole(world, 'too-broad-one', policy);
    const result = await run(role, policy);
    expect(result.diagnosis?.code).toBe('trust_too_broad');
    expect(result.diagnosis?.offeredFix).toMatchObject({ status: 'proven', scope: 'statement', replaces: 'Statement[0]', refusedProbes: ['sibling_deployment', 'other_tenant', 'wrong_audience'] });
    const fixed = JSON.stringify({ Version: '2012-10-17', Statement: [result.diagnosis!.correctedStatement] });
    await world.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'too-broad-one', PolicyDocument: fixed }));
    const after = await run(role, fixed);
    expect(after.ok, JSON.stringify(after.diagnosis)).toBe(true);
    expect(after.probes.every((probe) => probe.status === 'refused' || probe.status === 'skipped')).toBe(true);
  });

  it('two statements let another tenant in: pasting one would not do, so the whole proven document is offered', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [allow('tenant:*'), allow('tenant:*:deployment:prod:*')] });
    const role = await createRole(world, 'too-broad-two', policy);
    const result = await run(role, policy);
    expect(result.diagnosis?.code).toBe('trust_too_broad');
    expect(result.diagnosis?.offeredFix).toMatchObject({ status: 'proven', scope: 'document' });
    const document = result.diagnosis!.correctedDocument!;
    expect(document.Statement).toHaveLength(1);
    expect(document.Statement[0]!.Condition).toEqual({ StringEquals: { [`${world.prefix}:aud`]: AUDIENCE, [`${world.prefix}:sub`]: SUBJECT } });
    await world.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'too-broad-two', PolicyDocument: JSON.stringify(document) }));
    const after = await run(role, JSON.stringify(document));
    expect(after.ok, JSON.stringify(after.diagnosis)).toBe(true);
    expect(after.probes.some((probe) => probe.status === 'accepted')).toBe(false);
  });

  it('without the trust policy, the tightened statement alone is proven before it is offered', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [allow('tenant:*')] });
    const role = await createRole(world, 'too-broad-unknown', policy);
    const result = await testConnection({ connection: connectionFor(role), workloadId: 'wl-etl', tokens: testIssuerTokens(world.issuer), sts: { endpoint: world.emulator.url, maxAttempts: 1 }, now: Date.now });
    expect(result.diagnosis).toMatchObject({ code: 'trust_too_broad', basis: 'inferred', offeredFix: { status: 'proven', scope: 'statement' } });
    expect(result.diagnosis?.offeredFix).not.toHaveProperty('replaces');
  });
});
