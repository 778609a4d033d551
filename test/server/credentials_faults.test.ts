import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL_ID, PARTNER_ROLE_ARN, startBrokerWorld, twoHopConnection, type BrokerWorld } from './credentials_fixture.js';

/**
 * The broker under STS faults, injected in the emulator at runtime (`/_emulator/faults`): outage
 * during refresh, then expiry, then recovery; and slow STS under a stampede of cold callers.
 */
interface ReadyAnswer {
  status: string;
  checks: Array<{ name: string; ok: boolean; degraded?: boolean; detail?: Record<string, unknown> }>;
}

const MINUTE = 60_000;

describe('broker under STS faults', () => {
  let world: BrokerWorld;
  beforeAll(async () => {
    world = await startBrokerWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  async function stsCheck() {
    const ready = await world.api<ReadyAnswer>('GET', '/readyz');
    return { status: ready.status, check: ready.body.checks.find((c) => c.name === 'sts') };
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${world.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  it('serves cached credentials while STS is down, then a clear error after expiry, then recovers without restart', async () => {
    expect((await world.api('POST', '/api/v1/tenants/acme/connections', twoHopConnection(world, 'outage'))).status).toBe(201);
    const first = await world.credentials('outage');
    expect(first.status).toBe(200);
    const expiresAt = Date.parse(first.body.Expiration as string);
    expect(await stsCheck()).toMatchObject({ status: 200, check: { ok: true, degraded: false } });

    await world.setFault({ outage: true });
    // Inside the refresh window (4 minutes left): the refresh fails, the cached credentials keep coming.
    world.advance(expiresAt - Date.now() - 4 * MINUTE);
    const duringOutage = await world.credentials('outage');
    expect(duringOutage.status, JSON.stringify(duringOutage.body)).toBe(200);
    expect(duringOutage.body.AccessKeyId).toBe(first.body.AccessKeyId);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the background refresh fails meanwhile
    const stale = await world.credentials('outage');
    expect(stale.body.AccessKeyId).toBe(first.body.AccessKeyId);

    // Reported: metrics and /readyz detail (still ready: callers are being served).
    expect(await metric('rolebridge_sts_errors_total', 'code="ServiceUnavailable",operation="AssumeRoleWithWebIdentity"')).toBeGreaterThanOrEqual(1);
    expect(await metric('rolebridge_broker_cache_lookups_total', 'outcome="stale"')).toBeGreaterThanOrEqual(1);
    expect(await stsCheck()).toMatchObject({
      status: 200,
      check: { ok: true, degraded: true, detail: { status: 'degraded', servingStale: 1, lastFailure: { code: 'sts_unavailable', stsCode: 'ServiceUnavailable' } } },
    });

    // Expired: a clear error, never expired credentials.
    world.advance(5 * MINUTE);
    const expired = await world.credentials('outage');
    expect(expired.status).toBe(503);
    expect(expired.body).toMatchObject({ error: { code: 'sts_unavailable', details: { stsCode: 'ServiceUnavailable', operation: 'AssumeRoleWithWebIdentity' } } });

    // STS is back: the next request (after the 1 s error cooldown) gets fresh credentials.
    await world.clearFaults();
    world.advance(2_000);
    const recovered = await world.credentials('outage');
    expect(recovered.status).toBe(200);
    expect(recovered.body.AccessKeyId).not.toBe(first.body.AccessKeyId);
    expect(Date.parse(recovered.body.Expiration as string)).toBeGreaterThan(Date.now() + 50 * MINUTE + 5 * MINUTE);
    expect(await stsCheck()).toMatchObject({ check: { degraded: false, detail: { status: 'ok', servingStale: 0 } } });
  });

  it('answers access_denied with STS\'s message when the role refuses', async () => {
    const created = await world.api('POST', '/api/v1/tenants/acme/connections', {
      name: 'refused',
      roleArn: 'arn:aws:iam::123456789012:role/never-created',
      region: 'us-east-1',
      tokenConfig: 'aws',
      verify: false,
    });
    expect(created.status).toBe(201);
    const refused = await world.credentials('refused');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: { code: 'access_denied', details: { stsCode: 'AccessDenied', stsMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' } },
    });
  });

  // A thousand HTTP calls take what the machine gives them: time is no verdict here, the counts are.
  it('makes exactly one STS call chain for 1,000 concurrent cold callers while STS is slow', { timeout: 300_000 }, async () => {
    // Its own session name makes it a key no earlier test has warmed.
    const stampede = { ...twoHopConnection(world, 'stampede'), verify: false, chain: [{ roleArn: PARTNER_ROLE_ARN, externalId: EXTERNAL_ID, sessionName: 'rb-stampede' }] };
    expect((await world.api('POST', '/api/v1/tenants/acme/connections', stampede)).status).toBe(201);
    const before = {
      webIdentity: (await world.stsEvents('AssumeRoleWithWebIdentity')).length,
      assumeRole: (await world.stsEvents('AssumeRole')).length,
    };
    const lookups = async () =>
      (await metric('rolebridge_broker_cache_lookups_total', 'outcome="miss"')) + (await metric('rolebridge_broker_cache_lookups_total', 'outcome="hit"'));
    const lookupsBefore = await lookups();
    const missesBefore = await metric('rolebridge_broker_cache_lookups_total', 'outcome="miss"');
    const servedBefore = await metric('rolebridge_credentials_served_total', 'tenant="acme"');
    await world.setFault({ action: 'AssumeRoleWithWebIdentity', latencyMs: 1_500 });
    try {
      const answers = await Promise.all(Array.from({ length: 1_000 }, () => world.credentials('stampede')));
      expect(answers.filter((a) => a.status !== 200).map((a) => JSON.stringify(a.body)).slice(0, 3)).toEqual([]);
      expect(new Set(answers.map((a) => a.body.AccessKeyId)).size).toBe(1);
    } finally {
      await world.clearFaults();
    }
    expect((await world.stsEvents('AssumeRoleWithWebIdentity')).length - before.webIdentity).toBe(1);
    expect((await world.stsEvents('AssumeRole')).length - before.assumeRole).toBe(1);
    // Metrics: every caller was looked up and served; callers that arrived while the slow call was in flight waited
    // on it (misses), later ones were cache hits. How many arrived in time depends on the machine's speed, so the
    // test only needs a second waiter to show the sharing; the one STS chain above is the single flight itself.
    expect((await lookups()) - lookupsBefore).toBeGreaterThanOrEqual(1_000);
    expect((await metric('rolebridge_broker_cache_lookups_total', 'outcome="miss"')) - missesBefore).toBeGreaterThanOrEqual(2);
    expect((await metric('rolebridge_credentials_served_total', 'tenant="acme"')) - servedBefore).toBeGreaterThanOrEqual(1_000);
    expect(await metric('rolebridge_sts_request_duration_seconds_bucket', 'operation="AssumeRoleWithWebIdentity",le="1"')).toBeLessThan(
      await metric('rolebridge_sts_request_duration_seconds_count', 'operation="AssumeRoleWithWebIdentity"'),
    );
  });
});
