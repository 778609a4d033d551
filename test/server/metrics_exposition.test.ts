import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

/**
 * What a Prometheus scrape of a real server sees, with the default Node metrics on (as in production):
 * `promtool check metrics` (Debian `prometheus`) finds no problem, and the default metrics carry the
 * standard names stock Node.js dashboards query.
 */
describe('/metrics exposition', () => {
  let server: TestServer;
  let exposition: string;
  beforeAll(async () => {
    server = await startTestServer({ runtime: { defaultMetrics: true } });
    const created = await fetch(`${server.url}/api/v1/tenants`, {
      method: 'POST',
      headers: { ...server.adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'metrics-tenant', name: 'Metrics tenant' }),
    });
    expect(created.status).toBe(201);
    const { issuer } = (await created.json()) as { issuer: string };
    expect((await fetch(`${issuer}/.well-known/jwks.json`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const scraped = await fetch(`${server.url}/metrics`);
    expect(scraped.status).toBe(200);
    exposition = await scraped.text();
  });
  afterAll(async () => {
    await server.close();
  });

  it('passes `promtool check metrics` with no problems', () => {
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
    expect(checked.error).toBeUndefined();
    expect({ status: checked.status, output: `${checked.stdout}${checked.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });

  it('names the default Node metrics as stock dashboards query them', () => {
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(exposition).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? `, 'm'));
    }
    expect(exposition).not.toMatch(/process_process_|rolebridge_process_|rolebridge_nodejs_/);
    expect(exposition).toMatch(/^rolebridge_http_requests_total\{/m);
    expect(exposition).toMatch(/^rolebridge_signing_key_age_seconds\{tenant="metrics-tenant"/m);
  });

  it('has no gauge whose name ends in _total', () => {
    const gauges = [...exposition.matchAll(/^# TYPE (\S+) gauge$/gm)].map((match) => match[1]);
    expect(gauges.length).toBeGreaterThan(0);
    expect(gauges.filter((name) => name?.endsWith('_total'))).toEqual([]);
  });
});
