import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

/** Failed workload and admin authentications: every one counted, audited at a rate that cannot flood the log. */
describe('failed authentications', () => {
  let server: TestServer;
  let clock = Date.parse('2026-05-01T10:00:00.000Z');
  const badAdmin = 'rb_admin_guess_0123456789abcdefghijklmnop';
  const badWorkload = 'rbw_guess_0123456789abcdefghijklmnopqrstu';

  beforeAll(async () => {
    server = await startTestServer({ runtime: { now: () => clock } });
  });
  afterAll(async () => server.close());

  const failures = async () => server.store.audit.list({ action: 'authentication.failed', limit: 100 });

  function metricValue(text: string, kind: string, reason: string): number {
    const line = text.split('\n').find((l) => l.startsWith(`rolebridge_authentication_failures_total{kind="${kind}",reason="${reason}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  }

  it('counts every failure by kind and reason, audits one event per kind per minute, never the credential', async () => {
    for (let i = 0; i < 40; i++) {
      const res = await server.app.inject({ method: 'GET', url: '/api/v1/tenants/acme', headers: { authorization: `Bearer ${badAdmin}` } });
      expect(res.statusCode).toBe(401);
    }
    for (let i = 0; i < 25; i++) {
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/token', headers: { authorization: `Bearer ${badWorkload}` }, payload: {} });
      expect(res.statusCode).toBe(401);
    }
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/tenants/acme' })).statusCode).toBe(401);

    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricValue(metrics, 'admin', 'invalid_credentials')).toBe(40);
    expect(metricValue(metrics, 'admin', 'unauthenticated')).toBe(1);
    expect(metricValue(metrics, 'workload', 'invalid_credentials')).toBe(25);

    await expect.poll(async () => (await failures()).length).toBe(2);
    const events = await failures();
    expect(events.map((e) => e.details.kind).sort()).toEqual(['admin', 'workload']);
    expect(events[0]).toMatchObject({ actor: 'anonymous', outcome: 'failure', details: { reason: 'invalid_credentials', failuresSinceLastEvent: 0 } });

    // A minute later the next failure is audited again, with how many were only counted meanwhile.
    clock += 61_000;
    await server.app.inject({ method: 'GET', url: '/api/v1/tenants/acme', headers: { authorization: `Bearer ${badAdmin}` } });
    await expect.poll(async () => (await failures()).length).toBe(3);
    const latest = (await failures()).find((e) => e.details.kind === 'admin' && e.details.failuresSinceLastEvent !== 0);
    expect(latest?.details.failuresSinceLastEvent).toBe(40);

    const everything = JSON.stringify(await server.store.db.selectFrom('audit_events').selectAll().execute()) + metrics;
    expect(everything).not.toContain(badAdmin);
    expect(everything).not.toContain(badWorkload);
  });
});

describe('the /metrics exposure warning', () => {
  const warned = (server: TestServer) => server.logs.some((line) => line.level === 40 && String(line.msg).includes('ROLEBRIDGE_METRICS_TOKEN is not set'));

  it('warns at start when /metrics is public on a listener beyond loopback, and not otherwise', async () => {
    const open = await startTestServer({ host: '0.0.0.0' });
    const guarded = await startTestServer({ host: '0.0.0.0', metricsToken: 'metrics_0123456789abcdefghijkl' });
    const local = await startTestServer({ host: '127.0.0.1' });
    try {
      expect(warned(open)).toBe(true);
      expect(warned(guarded)).toBe(false);
      expect(warned(local)).toBe(false);
      // With the token set, the series that name tenants and connections need it.
      expect((await guarded.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect((await guarded.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await Promise.all([open.close(), guarded.close(), local.close()]);
    }
  });
});
