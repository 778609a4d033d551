/**
 * The audit buffer's promise, checked on a real `rolebridge serve` process killed with SIGKILL under token load:
 * of the tokens clients received, at most ROLEBRIDGE_AUDIT_BUFFER_LIMIT have no `token.issued` event in the
 * database afterwards. Once while the database writes normally, once while the audit table is held locked
 * (the buffer fills up; past the limit the endpoint refuses with 503 audit_unavailable instead of issuing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { createTestDatabase } from '../helpers/postgres_cluster.js';

const LIMIT = 40;
// A server process started under tsx, then hundreds of requests: generous on a loaded machine, never a sleep.
const TIMEOUT_MS = 120_000;
const ADMIN = 'rb_admin_crash_0123456789abcdefghijklmnopqrstuv';
const postgresUrl = inject('postgresUrl');

interface Serve {
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
}

async function startServe(databaseUrl: string): Promise<Serve> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--host', '127.0.0.1', '--port', '0'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ROLEBRIDGE_DATABASE_URL: databaseUrl,
      ROLEBRIDGE_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
      ROLEBRIDGE_ADMIN_TOKEN: ADMIN,
      ROLEBRIDGE_AUDIT_BUFFER_LIMIT: String(LIMIT),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /rolebridge listening on ([^\s"]+)/.exec(output);
      if (listening) resolve(listening[1] as string);
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${stderr}`)));
  });
  return { url, child, exited };
}

async function call(url: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function jtiOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as { jti: string };
  return payload.jti;
}

interface Load {
  received: string[];
  refused: number;
  otherStatuses: number[];
}

/** `workers` callers asking for tokens until `stop()` is true or the server is gone. */
async function tokenLoad(url: string, secret: string, workers: number, stop: (load: Load) => boolean): Promise<Load> {
  const load: Load = { received: [], refused: 0, otherStatuses: [] };
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!stop(load)) {
        let answer: { status: number; body: Record<string, unknown> };
        try {
          answer = await call(url, '/api/v1/token', secret, {});
        } catch {
          return; // the server was killed
        }
        if (answer.status === 200) load.received.push(jtiOf(answer.body.token as string));
        else if (answer.status === 503 && (answer.body.error as { code: string }).code === 'audit_unavailable') load.refused += 1;
        else load.otherStatuses.push(answer.status);
      }
    }),
  );
  return load;
}

async function auditedJtis(databaseUrl: string): Promise<Set<string>> {
  const store = await openStore(databaseUrl);
  try {
    const jtis = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const page = await store.audit.list({ action: 'token.issued', limit: 1000, ...(after ? { after } : {}) });
      if (page.length === 0) return jtis;
      for (const event of page) jtis.add(event.details.jti as string);
      after = page.at(-1)?.id;
    }
  } finally {
    await store.close();
  }
}

/** Holds the audit table so no audit write can land (SQLite: the write lock; PostgreSQL: a table lock). */
async function holdAuditTable(databaseUrl: string): Promise<() => Promise<void>> {
  if (databaseUrl.startsWith('sqlite:')) {
    const lock = new BetterSqlite3(databaseUrl.slice('sqlite:'.length), { timeout: 0 });
    lock.exec('BEGIN IMMEDIATE');
    return async () => {
      lock.exec('ROLLBACK');
      lock.close();
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE audit_events IN EXCLUSIVE MODE');
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

const databases: Array<{ name: string; newUrl: () => Promise<string> }> = [
  { name: 'SQLite', newUrl: async () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'rolebridge-crash-')), 'rolebridge.db')}` },
  ...(postgresUrl ? [{ name: 'PostgreSQL', newUrl: () => createTestDatabase(postgresUrl, `crash_${randomBytes(4).toString('hex')}`) }] : []),
];

describe.each(databases)('kill -9 under token load on $name: lost audit events stay within ROLEBRIDGE_AUDIT_BUFFER_LIMIT', ({ newUrl }) => {
  let serve: Serve | undefined;
  let release: (() => Promise<void>) | undefined;
  let databaseUrl = '';
  afterEach(async () => {
    serve?.child.kill('SIGKILL');
    await serve?.exited;
    await release?.();
    release = undefined;
    if (databaseUrl.startsWith('sqlite:')) rmSync(join(databaseUrl.slice('sqlite:'.length), '..'), { recursive: true, force: true });
  });

  async function startSeeded(): Promise<{ server: Serve; secret: string }> {
    databaseUrl = await newUrl();
    const server = await startServe(databaseUrl);
    serve = server;
    expect((await call(server.url, '/api/v1/tenants', ADMIN, { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await call(server.url, '/api/v1/tenants/acme/token-configs', ADMIN, { name: 'default', subjectTemplate: 'app:{deployment}' })).status).toBe(201);
    const secret = (await call(server.url, '/api/v1/tenants/acme/workloads', ADMIN, { deployment: 'prod', component: 'api' })).body.secret as string;
    expect((await call(server.url, '/api/v1/token', secret, {})).status).toBe(200); // warm caches
    expect((await call(server.url, '/api/v1/tenants/acme/audit?action=token.issued', ADMIN)).status).toBe(200); // flushes the buffer
    return { server, secret };
  }

  async function killAndCountLost(server: Serve, load: Promise<Load>): Promise<{ load: Load; lost: number }> {
    server.child.kill('SIGKILL');
    await server.exited;
    const finished = await load;
    await release?.();
    release = undefined;
    const audited = await auditedJtis(databaseUrl);
    return { load: finished, lost: finished.received.filter((jti) => !audited.has(jti)).length };
  }

  it('while the database writes normally', async () => {
    const { server, secret } = await startSeeded();
    let killAt: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (killAt = resolve));
    const load = tokenLoad(server.url, secret, 8, (current) => {
      if (current.received.length >= 300) killAt();
      return false; // until the server is gone
    });
    await enough;
    const { load: finished, lost } = await killAndCountLost(server, load);
    expect(finished.otherStatuses).toEqual([]);
    expect(finished.received.length).toBeGreaterThanOrEqual(300);
    expect(lost).toBeLessThanOrEqual(LIMIT);
    console.info(`kill -9 after ${finished.received.length} tokens: ${lost} issued tokens had no audit event (bound ${LIMIT}; ${finished.refused} refused)`);
  }, TIMEOUT_MS);

  it('while the audit table is locked: the buffer fills, the endpoint refuses past the limit, and no more than the limit is lost', async () => {
    const { server, secret } = await startSeeded();
    release = await holdAuditTable(databaseUrl);
    const finished = await tokenLoad(server.url, secret, 8, (current) => current.refused >= 20 || current.received.length > 10 * LIMIT);
    expect(finished.otherStatuses).toEqual([]);
    expect(finished.refused).toBeGreaterThanOrEqual(20);
    expect(finished.received.length).toBeLessThanOrEqual(LIMIT);
    const { lost } = await killAndCountLost(server, Promise.resolve(finished));
    expect(lost).toBeLessThanOrEqual(LIMIT);
  }, TIMEOUT_MS);
});
