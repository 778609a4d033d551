import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

/**
 * The bootstrap key's id is shown to every reader of the key list and of the audit log (as `admin:<id>`),
 * including tenant-limited viewers. Deriving it from the token's SHA-256 published 48 bits of a verifier of
 * ROLEBRIDGE_ADMIN_TOKEN, enough to check guesses of an operator-chosen token offline.
 */
describe('the bootstrap admin key', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ driftWatchIntervalSeconds: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('has an id and an audit actor that reveal nothing of the token', async () => {
    const headers = { ...server.adminHeaders, 'content-type': 'application/json' };
    await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers, body: JSON.stringify({ id: 'acme', name: 'Acme' }) });
    const listed = (await (await fetch(`${server.url}/api/v1/api-keys`, { headers })).json()) as { apiKeys: Array<{ id: string }> };
    const audit = (await (await fetch(`${server.url}/api/v1/tenants/acme/audit`, { headers })).json()) as { events: Array<{ actor: string }> };
    const bootstrap = listed.apiKeys.find((key) => key.id.startsWith('key-bootstrap-'));
    expect(bootstrap).toBeDefined();
    expect(audit.events[0]?.actor).toBe(`admin:${bootstrap!.id}`);
    const digest = createHash('sha256').update(TEST_ADMIN_TOKEN).digest('hex');
    const shown = bootstrap!.id.slice('key-bootstrap-'.length);
    expect(shown.length).toBeGreaterThanOrEqual(8);
    expect(digest).not.toContain(shown.slice(0, 8));
  });
});

describe('the bootstrap admin key follows ROLEBRIDGE_ADMIN_TOKEN', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolebridge-bootstrap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const first = `rb_admin_first_${randomBytes(16).toString('hex')}`;
  const second = `rb_admin_second_${randomBytes(16).toString('hex')}`;

  it('stops accepting the previous token at the next start, and audits it without the token', async () => {
    const databaseUrl = `sqlite:${join(dir, 'rolebridge.db')}`;
    const before = await startTestServer({ databaseUrl, dataDir: dir, env: { ROLEBRIDGE_ADMIN_TOKEN: first } });
    const asFirst = { authorization: `Bearer ${first}` };
    expect((await before.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: asFirst })).statusCode).toBe(200);
    await before.close();

    const after = await startTestServer({ databaseUrl, dataDir: dir, env: { ROLEBRIDGE_ADMIN_TOKEN: second } });
    try {
      expect((await after.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: asFirst })).statusCode).toBe(401);
      const listed = await after.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${second}` } });
      expect(listed.statusCode).toBe(200);
      const revoked = await after.store.audit.list({ action: 'api_key.revoked', limit: 10 });
      expect(revoked).toHaveLength(1);
      expect(revoked[0]).toMatchObject({ actor: 'system:bootstrap', outcome: 'success' });
      const everything = JSON.stringify(await after.store.db.selectFrom('audit_events').selectAll().execute());
      expect(everything).not.toContain(first);
      expect(everything).not.toContain(second);
    } finally {
      await after.close();
    }
  });

  it.each([['x'], ['admin'], ['password1234'], ['a'.repeat(40)], ['abababababababababababababab'], ['correct horse battery staple']])(
    'refuses a weak admin token at start: %s',
    async (token) => {
      expect(() => loadConfig({ ROLEBRIDGE_ADMIN_TOKEN: token })).toThrow(
        expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('ROLEBRIDGE_ADMIN_TOKEN: too weak') }),
      );
      await expect(startTestServer({ env: { ROLEBRIDGE_ADMIN_TOKEN: token } })).rejects.toMatchObject({ code: 'invalid_configuration' });
    },
  );
});
