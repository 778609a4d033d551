/**
 * The console speaks only the public API: every operation in its one client table exists in the server's
 * `/openapi.json` with that method and path, and no other file of the console calls fetch itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../web/src/api/operations.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

const WEB_SRC = join(import.meta.dirname, '..', '..', 'web', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('the console\'s API client', () => {
  let server: TestServer;
  let paths: Record<string, Record<string, unknown>>;
  beforeAll(async () => {
    server = await startTestServer();
    paths = ((await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> }).paths;
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(Object.entries(operations))('%s is an operation of /openapi.json', (_name, operation) => {
    const documented = paths[operation.path]?.[operation.method.toLowerCase()];
    // The identity routes (/api/v1/me, /auth/*) belong to operator sign-in; a server without them answers 404,
    // which the console handles. When they exist, method and path must still match.
    if ('optional' in operation && operation.optional && paths[operation.path] === undefined) return;
    expect(documented, `${operation.method} ${operation.path}`).toBeDefined();
  });

  it('is the only place in the console that calls the network', () => {
    const callers = sourceFiles(WEB_SRC)
      .filter((file) => /\bfetch\(|XMLHttpRequest|new WebSocket|EventSource/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(WEB_SRC, file));
    expect(callers).toEqual(['api/client.ts']);
  });

  it('lists the tenants a key may see (a tenant-scoped key sees its own)', async () => {
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { ...server.adminHeaders, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/api/v1/tenants', { id: 'beta', name: 'Beta' })).status).toBe(201);
    expect((await post('/api/v1/tenants', { id: 'alpha', name: 'Alpha' })).status).toBe(201);
    const all = await fetch(`${server.url}/api/v1/tenants`, { headers: server.adminHeaders });
    expect(((await all.json()) as { tenants: Array<{ id: string; issuer: string }> }).tenants.map((tenant) => tenant.id)).toEqual(['alpha', 'beta']);
    const scoped = (await (await post('/api/v1/api-keys', { name: 'beta-viewer', role: 'viewer', tenant: 'beta' })).json()) as { token: string };
    const narrowed = await fetch(`${server.url}/api/v1/tenants`, { headers: { authorization: `Bearer ${scoped.token}` } });
    expect(narrowed.status).toBe(200);
    expect(((await narrowed.json()) as { tenants: Array<{ id: string }> }).tenants.map((tenant) => tenant.id)).toEqual(['beta']);
    expect((await fetch(`${server.url}/api/v1/tenants`)).status).toBe(401);
  });
});
