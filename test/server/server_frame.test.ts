import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/test_server.js';

describe('server frame', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers liveness, readiness and metrics', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: expect.arrayContaining([expect.objectContaining({ name: 'database', ok: true })]) });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('rolebridge_http_requests_total');
  });

  it('serves OpenAPI and the docs page', async () => {
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/api/v1/tenants/{tenant}/audit');
    const docs = await fetch(`${server.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('answers unknown routes with the error envelope', async () => {
    const response = await fetch(`${server.url}/nope?x=1`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'route_not_found', message: 'No route GET /nope.' } });
  });

  it('requires a valid admin bearer token', async () => {
    const missing = await fetch(`${server.url}/api/v1/tenants/acme/audit`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const wrong = await fetch(`${server.url}/api/v1/tenants/acme/audit`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials');
    const right = await fetch(`${server.url}/api/v1/tenants/acme/audit`, { headers: server.adminHeaders });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ events: [] });
  });

  it('validates query strings with a stable code', async () => {
    const response = await fetch(`${server.url}/api/v1/tenants/acme/audit?limit=0`, { headers: server.adminHeaders });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: { errors: unknown[] } } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.errors.length).toBeGreaterThan(0);
  });

  it('never writes the bearer token to the logs', async () => {
    await fetch(`${server.url}/api/v1/tenants/acme/audit`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(JSON.stringify(server.logs)).not.toContain(TEST_ADMIN_TOKEN);
    expect(server.logs.some((line) => line.route === '/api/v1/tenants/:tenant/audit')).toBe(true);
  });

  it('echoes a safe request id and replaces an unsafe one', async () => {
    const given = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const unsafe = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('content types', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['text/plain', '{"id":"acme","name":"Acme"}'],
    ['application/x-www-form-urlencoded', 'id=acme&name=Acme'],
    ['application/xml', '<tenant/>'],
  ])('answers %s with 415 unsupported_media_type and writes nothing', async (contentType, body) => {
    const response = await fetch(`${server.url}/api/v1/tenants`, {
      method: 'POST',
      headers: { ...server.adminHeaders, 'content-type': contentType },
      body,
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    expect((await fetch(`${server.url}/api/v1/tenants/acme`, { headers: server.adminHeaders })).status).toBe(404);
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await fetch(`${server.url}/api/v1/tenants`, {
      method: 'POST',
      headers: { ...server.adminHeaders, 'content-type': 'application/json' },
      body: '{"id": "acme",',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const response = await fetch(`${server.url}/api/v1/tenants`, {
      method: 'POST',
      headers: { ...server.adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'acme', name: 'x'.repeat(300 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});

describe('protected metrics and headers on secrets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ metricsToken: 'scrape-me-0123456789' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers /metrics only to the metrics token when ROLEBRIDGE_METRICS_TOKEN is set', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const scraped = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape-me-0123456789' } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('rolebridge_http_requests_total');
  });

  it('marks answers that carry a secret as not cacheable', async () => {
    const headers = { ...server.adminHeaders, 'content-type': 'application/json' };
    await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers, body: JSON.stringify({ id: 'acme', name: 'Acme' }) });
    await fetch(`${server.url}/api/v1/tenants/acme/token-configs`, { method: 'POST', headers, body: JSON.stringify({ name: 'aws', subjectTemplate: 'app:{deployment}:{component}' }) });
    const workload = await fetch(`${server.url}/api/v1/tenants/acme/workloads`, { method: 'POST', headers, body: JSON.stringify({ deployment: 'd', component: 'c' }) });
    expect(workload.headers.get('cache-control')).toBe('no-store');
    const { secret } = (await workload.json()) as { secret: string };
    const token = await fetch(`${server.url}/api/v1/token`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{}' });
    expect(token.status).toBe(200);
    expect(token.headers.get('cache-control')).toBe('no-store');
    const key = await fetch(`${server.url}/api/v1/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'k', role: 'viewer' }) });
    expect(key.headers.get('cache-control')).toBe('no-store');
  });
});
