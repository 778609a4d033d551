import { createHash } from 'node:crypto';
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
