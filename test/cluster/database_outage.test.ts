import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres_cluster.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

const postgresUrl = inject('postgresUrl');

/** A TCP proxy in front of PostgreSQL that a test can cut (every connection dropped, new ones refused) and restore. */
class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

async function until(probe: () => Promise<boolean>, limitMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > limitMs) throw new Error(`condition not reached within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!postgresUrl)('a replica while PostgreSQL is briefly unreachable', () => {
  let proxy: CuttableProxy;
  let server: TestServer;
  let secret: string;

  const call = async (method: string, path: string, body?: unknown, token = TEST_ADMIN_TOKEN) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const direct = new URL(await createTestDatabase(postgresUrl, `outage_${randomBytes(4).toString('hex')}`));
    proxy = new CuttableProxy({ host: direct.hostname, port: Number(direct.port) });
    await proxy.open();
    const viaProxy = new URL(direct);
    viaProxy.port = String(proxy.port);
    server = await startTestServer({ databaseUrl: viaProxy.toString() });
    expect((await call('POST', '/api/v1/tenants', { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await call('POST', '/api/v1/tenants/acme/token-configs', { name: 'default', subjectTemplate: 'app:{deployment}' })).status).toBe(201);
    secret = (await call('POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'api' })).body.secret as string;
  });
  afterAll(async () => {
    await proxy?.open(); // let the server close its pool cleanly
    await server?.close();
    await proxy?.cut();
  });

  it('is not ready, keeps serving cached credentials and documents, answers 503 (not 500) for the rest, and recovers', async () => {
    expect((await call('POST', '/api/v1/token', {}, secret)).status).toBe(200); // warm: workload, configs, keys
    expect((await fetch(`${server.url}/t/acme/.well-known/jwks.json`)).status).toBe(200);

    await proxy.cut();
    await until(async () => (await fetch(`${server.url}/readyz`)).status === 503);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { checks: Array<{ name: string; ok: boolean }> };
    expect(ready.checks.find((check) => check.name === 'database')?.ok).toBe(false);
    // What this replica holds keeps working.
    for (let i = 0; i < 3; i++) expect((await call('POST', '/api/v1/token', {}, secret)).status).toBe(200);
    expect((await fetch(`${server.url}/t/acme/.well-known/jwks.json`)).status).toBe(200);
    // What it must read answers 503 database_unavailable, never a 500.
    const unknown = await call('POST', '/api/v1/token', {}, 'rbw_unknown_secret_never_seen');
    expect(unknown.status).toBe(503);
    expect((unknown.body.error as { code: string }).code).toBe('database_unavailable');

    await proxy.open();
    await until(async () => (await fetch(`${server.url}/readyz`)).status === 200);
    expect((await call('POST', '/api/v1/token', {}, secret)).status).toBe(200);
    // The tokens issued during the outage were audited once the database was back.
    await until(async () => {
      const audit = await call('GET', '/api/v1/tenants/acme/audit?action=token.issued');
      return ((audit.body.events as unknown[] | undefined)?.length ?? 0) >= 5;
    });
  });
});
