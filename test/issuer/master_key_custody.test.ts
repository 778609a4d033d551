import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { rewrapMasterKey } from '../../src/issuer/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { runCli } from '../../src/cli/program.js';
import { databasesUnderTest } from '../helpers/databases.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

const dir = mkdtempSync(join(tmpdir(), 'rolebridge-master-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

/** A database that outlives a server (a file for SQLite). */
function persistentDatabases() {
  return databasesUnderTest().map((db) => ({
    dialect: db.dialect,
    newUrl: db.dialect === 'sqlite' ? async () => `sqlite:${join(dir, `${randomBytes(6).toString('hex')}.db`)}` : db.newUrl,
  }));
}

async function snapshot(url: string): Promise<string> {
  const store = await openStore(url);
  try {
    const rows = await Promise.all(
      (['tenants', 'signing_keys', 'audit_events', 'api_keys', 'master_key_verifier', 'token_configs'] as const).map((table) =>
        store.db.selectFrom(table).selectAll().execute(),
      ),
    );
    return JSON.stringify(rows);
  } finally {
    await store.close();
  }
}

async function serverWith(url: string, masterKey: string, extra: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({ databaseUrl: url, dataDir: join(dir, 'data'), env: { ROLEBRIDGE_MASTER_KEY: masterKey, ROLEBRIDGE_JWKS_MAX_AGE_SECONDS: '0', ...extra } });
}

async function seed(url: string, masterKey: string, tenants: string[]): Promise<void> {
  const server = await serverWith(url, masterKey);
  try {
    for (const id of tenants) {
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: server.adminHeaders, payload: { id, name: id } });
      expect(res.statusCode).toBe(201);
    }
  } finally {
    await server.close();
  }
}

async function mintAndVerify(server: TestServer, tenant: string): Promise<void> {
  const config = await server.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${tenant}/token-configs`,
    headers: server.adminHeaders,
    payload: { name: 'default', audience: 'sts.amazonaws.com', subjectTemplate: 'd:{deployment}', lifetimeSeconds: 900 },
  });
  expect(config.statusCode, config.body).toBe(201);
  const created = await server.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${tenant}/workloads`,
    headers: server.adminHeaders,
    payload: { deployment: 'prod', component: 'api' },
  });
  const secret = (created.json() as { secret: string }).secret;
  const token = await server.app.inject({ method: 'POST', url: '/api/v1/token', headers: { authorization: `Bearer ${secret}` }, payload: {} });
  expect(token.statusCode, token.body).toBe(200);
  const jwks = await server.app.inject({ method: 'GET', url: `/t/${tenant}/.well-known/jwks.json` });
  await jwtVerify((token.json() as { token: string }).token, createLocalJWKSet(jwks.json()));
}

describe.each(persistentDatabases())('master key custody on $dialect', ({ newUrl }) => {
  it('a wrong master key against a database with keys refuses to start, names the problem, and writes nothing', async () => {
    const url = await newUrl();
    await seed(url, keyA, ['acme']);
    const before = await snapshot(url);
    await expect(serverWith(url, keyB, { ROLEBRIDGE_ADMIN_TOKEN: `${TEST_ADMIN_TOKEN}-other` })).rejects.toMatchObject({ code: 'master_key_mismatch' });
    expect(await snapshot(url)).toBe(before);
    // The right key still works, and the database keeps signing.
    const server = await serverWith(url, keyA);
    try {
      await mintAndVerify(server, 'acme');
    } finally {
      await server.close();
    }
  });

  it('no master key against a database with keys refuses to start and generates no development key', async () => {
    const url = await newUrl();
    await seed(url, keyA, ['acme']);
    const before = await snapshot(url);
    const dataDir = mkdtempSync(join(dir, 'nokey-'));
    await expect(startTestServer({ databaseUrl: url, dataDir, env: { ROLEBRIDGE_MASTER_KEY: '' } })).rejects.toMatchObject({ code: 'master_key_missing' });
    expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
    expect(await snapshot(url)).toBe(before);
  });

  it('a key change is never committed under a master key the database no longer has; /readyz says which tenants cannot sign', async () => {
    const url = await newUrl();
    await seed(url, keyA, ['acme', 'globex']);
    const server = await serverWith(url, keyA);
    try {
      expect((await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      // Another process moves the keys to key B while this server still holds key A.
      const store = await openStore(url);
      try {
        await rewrapMasterKey(store, Buffer.from(keyA, 'base64'), Buffer.from(keyB, 'base64'), { now: Date.now });
      } finally {
        await store.close();
      }
      const keysBefore = await snapshot(url);
      const rotate = await server.app.inject({ method: 'POST', url: '/api/v1/tenants/acme/keys/rotate', headers: server.adminHeaders });
      expect(rotate.statusCode, rotate.body).toBe(503);
      expect(rotate.json()).toMatchObject({ error: { code: 'master_key_changed' } });
      const tenant = await server.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: server.adminHeaders, payload: { id: 'initech', name: 'Initech' } });
      expect(tenant.statusCode).toBe(503);
      expect(await snapshot(url)).toBe(keysBefore);
      // After a reload the tenants' keys no longer open here: not ready, tokens 503, JWKS still published.
      server.deps.issuer.keyRing.forgetAll();
      const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(JSON.stringify(ready.json())).toContain('acme');
      expect((await server.app.inject({ method: 'GET', url: '/t/acme/.well-known/jwks.json' })).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('keys rewrap is resumable after a crash; then only the new key opens the database', async () => {
    const url = await newUrl();
    await seed(url, keyA, ['acme', 'globex', 'initech']);
    const store: Store = await openStore(url);
    try {
      let committed = 0;
      await expect(
        rewrapMasterKey(store, Buffer.from(keyA, 'base64'), Buffer.from(keyB, 'base64'), {
          now: Date.now,
          onKey: () => {
            committed += 1;
            if (committed === 2) throw new Error('crash after two keys');
          },
        }),
      ).rejects.toThrow('crash after two keys');
    } finally {
      await store.close();
    }
    // Half-done: neither key may start a server.
    await expect(serverWith(url, keyA)).rejects.toMatchObject({ code: 'master_key_rewrap_unfinished' });
    await expect(serverWith(url, keyB)).rejects.toMatchObject({ code: 'master_key_rewrap_unfinished' });
    // Run again through the CLI: it picks up the rest.
    const keyFile = join(dir, `new-${randomBytes(4).toString('hex')}.key`);
    writeFileSync(keyFile, `${keyB}\n`, { mode: 0o600 });
    const saved = { ...process.env };
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      process.env.ROLEBRIDGE_MASTER_KEY = keyA;
      code = await runCli(['keys', 'rewrap', '--new-master-key-file', keyFile, '--database-url', url, '--json']);
    } finally {
      process.stdout.write = write;
      process.env = saved;
    }
    expect(code).toBe(0);
    const progress = JSON.parse(out.join('')) as { rewrapped: number; alreadyDone: number; total: number; resumed: boolean };
    expect(progress).toMatchObject({ resumed: true, alreadyDone: 2, total: 6 });
    expect(progress.rewrapped).toBe(4);
    await expect(serverWith(url, keyA)).rejects.toMatchObject({ code: 'master_key_mismatch' });
    const server = await serverWith(url, keyB);
    try {
      expect((await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      for (const tenant of ['acme', 'globex', 'initech']) await mintAndVerify(server, tenant);
    } finally {
      await server.close();
    }
  });
});

describe('rolebridge serve with the wrong master key', () => {
  it('exits 2 with a message naming the problem', async () => {
    const url = `sqlite:${join(dir, 'serve.db')}`;
    await seed(url, keyA, ['acme']);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--database-url', url],
        { cwd: process.cwd(), env: { ...process.env, ROLEBRIDGE_MASTER_KEY: keyB, ROLEBRIDGE_ADMIN_TOKEN: TEST_ADMIN_TOKEN }, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ROLEBRIDGE_MASTER_KEY is not the master key');
    expect(result.stderr).not.toContain(keyB);
  });
});
