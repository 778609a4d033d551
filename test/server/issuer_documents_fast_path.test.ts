import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

/**
 * Warm tenants' discovery and JWKS are answered over HTTP by a fast path in front of fastify. `app.inject`
 * never takes it (it skips the server), so each answer over a real socket is compared with the one the
 * fastify routes give for the same request: same status, headers and bytes, whichever path answered.
 */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// Set by the socket layer or unique per request: not part of what is compared.
const TRANSPORT_HEADERS = ['date', 'connection', 'keep-alive', 'x-request-id', 'transfer-encoding'];

function comparable(answer: Answer): Answer {
  const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !TRANSPORT_HEADERS.includes(name)));
  return { status: answer.status, headers, body: answer.body };
}

function overHttp(server: TestServer, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function byFastify(server: TestServer, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await server.app.inject({ method: method as 'GET', url: path, headers });
  return { status: response.statusCode, headers: response.headers as Answer['headers'], body: response.body };
}

/** The route's request count and its duration observations (fastify's hook observes, the fast path does not). */
async function routeCounts(server: TestServer, route: string): Promise<{ requests: number; observed: number }> {
  const text = await server.deps.metrics.registry.metrics();
  let requests = 0;
  let observed = 0;
  for (const line of text.split('\n')) {
    if (!line.includes(`route="${route}"`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('rolebridge_http_requests_total{')) requests += value;
    if (line.startsWith('rolebridge_http_request_duration_seconds_count{')) observed += value;
  }
  return { requests, observed };
}

async function createTenant(server: TestServer, id: string): Promise<void> {
  const response = await server.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: server.adminHeaders, payload: { id, name: id } });
  expect(response.statusCode).toBe(201);
}

describe('issuer documents fast path, path-based issuers', () => {
  let server: TestServer;
  let jwksEtag: string;
  beforeAll(async () => {
    server = await startTestServer();
    await createTenant(server, 'acme');
    jwksEtag = (await byFastify(server, 'GET', '/t/acme/.well-known/jwks.json')).headers.etag as string;
  });
  afterAll(async () => server.close());

  const cases: Array<[string, string, Record<string, string>?]> = [
    ['GET', '/t/acme/.well-known/jwks.json'],
    ['GET', '/t/acme/.well-known/openid-configuration'],
    ['HEAD', '/t/acme/.well-known/jwks.json'],
    ['HEAD', '/t/acme/.well-known/openid-configuration'],
    ['GET', '/t/acme/.well-known/jwks.json?cache=bust'],
    ['GET', '/t/acme/.well-known/jwks.json', { 'if-none-match': 'ETAG' }],
    ['HEAD', '/t/acme/.well-known/jwks.json', { 'if-none-match': 'ETAG' }],
    ['GET', '/t/acme/.well-known/jwks.json', { 'if-none-match': '"other", W/ETAG' }],
    ['GET', '/t/acme/.well-known/jwks.json', { 'if-none-match': '*' }],
    ['GET', '/t/acme/.well-known/jwks.json', { 'if-none-match': '"other"' }],
    ['GET', '/t/nobody/.well-known/jwks.json'],
    ['GET', '/t/Acme/.well-known/jwks.json'],
    ['GET', '/t/%61cme/.well-known/jwks.json'],
    ['GET', '/t/acme/.well-known/jwks.json/'],
    ['GET', '/t/acme//.well-known/jwks.json'],
    ['GET', '/t/acme/x/.well-known/jwks.json'],
    ['GET', '/.well-known/jwks.json'],
    ['POST', '/t/acme/.well-known/jwks.json'],
  ];
  it.each(cases)('%s %s %j: the same answer as the fastify route', async (method, path, given = {}) => {
    const headers = Object.fromEntries(Object.entries(given).map(([name, value]) => [name, value.replace('ETAG', jwksEtag)]));
    const expected = comparable(await byFastify(server, method, path, headers));
    expect(comparable(await overHttp(server, method, path, headers))).toEqual(expected);
  });

  it('answers warm tenants itself, counted in rolebridge_http_requests_total', async () => {
    const route = '/t/:tenant/.well-known/jwks.json';
    const before = await routeCounts(server, route);
    const answers = await Promise.all(Array.from({ length: 5 }, () => overHttp(server, 'GET', '/t/acme/.well-known/jwks.json')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const after = await routeCounts(server, route);
    expect(after.requests - before.requests).toBe(5);
    expect(after.observed - before.observed).toBe(0); // fastify's onResponse hook never ran
  });

  it('echoes a safe x-request-id and replaces an unsafe one, as fastify does', async () => {
    const given = await overHttp(server, 'GET', '/t/acme/.well-known/jwks.json', { 'x-request-id': 'req-42.a_b' });
    expect(given.headers['x-request-id']).toBe('req-42.a_b');
    const unsafe = await overHttp(server, 'GET', '/t/acme/.well-known/jwks.json', { 'x-request-id': 'a b<script>' });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves a tenant created after the server started, cold then warm', async () => {
    await createTenant(server, 'late-comer');
    const first = await overHttp(server, 'GET', '/t/late-comer/.well-known/openid-configuration');
    const second = await overHttp(server, 'GET', '/t/late-comer/.well-known/openid-configuration');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).issuer).toBe(`${server.url.replace('localhost', '127.0.0.1')}/t/late-comer`);
    expect(comparable(second)).toEqual(comparable(first));
  });
});

describe('issuer documents fast path, host-based issuers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ROLEBRIDGE_ISSUER_TEMPLATE: 'https://{tenant}.id.example.test' } });
    await createTenant(server, 'acme');
    await byFastify(server, 'GET', '/.well-known/jwks.json', { host: 'acme.id.example.test' }); // warm
  });
  afterAll(async () => server.close());

  const cases: Array<[string, string, string]> = [
    ['GET', '/.well-known/jwks.json', 'acme.id.example.test'],
    ['GET', '/.well-known/openid-configuration', 'acme.id.example.test'],
    ['HEAD', '/.well-known/jwks.json', 'ACME.id.example.test:443'],
    ['GET', '/.well-known/jwks.json', 'nobody.id.example.test'],
    ['GET', '/.well-known/jwks.json', 'acme.elsewhere.test'],
    ['GET', '/t/acme/.well-known/jwks.json', 'acme.id.example.test'],
  ];
  it.each(cases)('%s %s (Host %s): the same answer as the fastify route', async (method, path, host) => {
    const expected = comparable(await byFastify(server, method, path, { host }));
    expect(comparable(await overHttp(server, method, path, { host }))).toEqual(expected);
  });

  it('the documents name the tenant host as issuer', async () => {
    const discovery = await overHttp(server, 'GET', '/.well-known/openid-configuration', { host: 'acme.id.example.test' });
    expect(JSON.parse(discovery.body).issuer).toBe('https://acme.id.example.test');
  });
});
