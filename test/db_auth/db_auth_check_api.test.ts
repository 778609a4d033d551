import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerWorld } from '../server/credentials_fixture.js';
import { startDbAuthWorld, type DbAuthWorld, type ErrorAnswer } from './db_auth_world.js';

/**
 * The console's database-auth screen talks to `GET …/connections/{c}/db-auth` and `POST …/db-auth-check`:
 * whether the flag is on and each engine's fields; and a password got for a workload exactly as
 * `POST /db-auth-token` gets it, through the real chain and the emulator, answered without the password.
 */
describe('database auth for operators: the flag, the engines and the "get token" check', () => {
  let setup: DbAuthWorld;
  let world: BrokerWorld;
  const info = () => world.api<{ enabled: boolean; engines: Array<{ engine: string; fields: string[]; required: string[] }> } & ErrorAnswer>('GET', '/api/v1/tenants/acme/connections/partner-db/db-auth');
  const check = (body: Record<string, unknown>, connection = 'partner-db', headers?: Record<string, string>) =>
    world.api<Record<string, unknown> & ErrorAnswer>('POST', `/api/v1/tenants/acme/connections/${connection}/db-auth-check`, body, headers);

  beforeAll(async () => {
    setup = await startDbAuthWorld();
    world = setup.world;
  });
  afterAll(async () => {
    await setup?.close();
  });

  it('says the flag is off and refuses the check with feature_disabled, as db-auth-token does', async () => {
    const off = await info();
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    const refused = await check({ workload: world.workload.id, engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'feature_disabled', message: 'AWS IAM database authentication is not enabled.' });
    expect(await setup.redshiftEvents('GetClusterCredentials')).toHaveLength(0);
  });

  describe('with the flag on', () => {
    beforeAll(() => {
      world.server.deps.config.features.awsDatabaseIamAuth = true; // read per request
    });

    it('lists every engine with the fields it takes and needs', async () => {
      const on = await info();
      expect(on.body.enabled).toBe(true);
      expect(on.body.engines.map((engine) => engine.engine)).toEqual(['postgres', 'mysql', 'redshift', 'redshift-serverless']);
      expect(on.body.engines.find((engine) => engine.engine === 'postgres')).toEqual({ engine: 'postgres', fields: ['host', 'port', 'dbUser', 'region'], required: ['host', 'dbUser'] });
      expect((await world.api<ErrorAnswer>('GET', '/api/v1/tenants/acme/connections/nope/db-auth')).body.error.code).toBe('connection_not_found');
    });

    it('gets Redshift credentials through the two-hop chain as the workload, and answers all but the password', async () => {
      const answer = await check({ workload: world.workload.id, engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user', dbName: 'dev' });
      expect(answer.body.error).toBeUndefined();
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ engine: 'redshift', username: 'IAM:etl_user' });
      expect(answer.body).not.toHaveProperty('password');
      expect(answer.body.passwordLength).toBeGreaterThan(40);
      const calls = await setup.redshiftEvents('GetClusterCredentials');
      expect(calls).toHaveLength(1);
      expect(calls[0]!.userIdentity?.arn).toContain('partner-athena');
      // The workload gets the same password (one cache); the operator's answer never held it.
      const workloadAnswer = await setup.dbToken({ connection: 'partner-db', engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user', dbName: 'dev' });
      expect(workloadAnswer.status).toBe(200);
      expect(workloadAnswer.body.password).toHaveLength(answer.body.passwordLength as number);
      expect(JSON.stringify(answer.body)).not.toContain(workloadAnswer.body.password);
      // Audited: who got a password as which workload, never the password.
      const audit = await world.api<{ events: Array<{ action: string; target: string; details: Record<string, unknown> }> }>('GET', '/api/v1/tenants/acme/audit?action=db_auth.checked');
      expect(audit.body.events).toHaveLength(1);
      expect(audit.body.events[0]).toMatchObject({ target: 'partner-db', details: { workload: world.workload.id, engine: 'redshift', username: 'IAM:etl_user' } });
      expect(JSON.stringify(audit.body.events)).not.toContain(workloadAnswer.body.password);
    });

    it('signs an RDS token for postgres with the host and port it was given', async () => {
      const answer = await check({ workload: world.workload.id, engine: 'postgres', host: 'db.example.com', dbUser: 'app' });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ engine: 'postgres', username: 'app', host: 'db.example.com', port: 5432 });
    });

    it('refuses bad input with the field named, an unknown or disabled workload, and passes AWS refusals through', async () => {
      const missing = await check({ workload: world.workload.id, engine: 'postgres', host: 'db.example.com' });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatchObject({ code: 'invalid_db_auth_request', details: { field: 'dbUser' } });
      const unknown = await check({ workload: 'wl_nope', engine: 'postgres', host: 'db.example.com', dbUser: 'app' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('workload_not_found');
      const denied = await check({ workload: world.workload.id, engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user' }, 'first-only');
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('db_access_denied');
      const viewer = await world.api<{ token: string }>('POST', '/api/v1/api-keys', { name: 'db-viewer', role: 'viewer' });
      const asViewer = { authorization: `Bearer ${viewer.body.token}` };
      expect((await world.api('GET', '/api/v1/tenants/acme/connections/partner-db/db-auth', undefined, asViewer)).status).toBe(200);
      expect((await check({ workload: world.workload.id, engine: 'postgres', host: 'db.example.com', dbUser: 'app' }, 'partner-db', asViewer)).status).toBe(403);
      const disabled = await world.api('POST', `/api/v1/tenants/acme/workloads/${world.workload.id}/disable`, {});
      expect(disabled.status).toBe(200);
      const refused = await check({ workload: world.workload.id, engine: 'postgres', host: 'db.example.com', dbUser: 'app' });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('workload_disabled');
    });
  });
});
