import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/emulator/index.js';
import { ADMIN_TOKEN, startSetupWorld, type SetupWorld } from '../setup/setup_world.js';

/**
 * Connections know the scope they serve (issue 18), with seed 003's case: one tenant holds several teams, each
 * team's `sub` differs (here the team is the deployment), and a role must trust only its own team. A real server,
 * the emulator's IAM and STS, real tokens.
 */
describe('a connection names the scope it serves', { timeout: 300_000 }, () => {
  let world: SetupWorld;
  let prefix: string;
  const secrets: Record<string, string> = {};
  const ids: Record<string, string> = {};

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's answers are read loosely here
  type Answer = { status: number; json: Record<string, any> };
  const call = async (method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<Answer> => {
    const response = await fetch(`${world.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Answer['json'] };
  };

  const role = async (name: string, sub: string): Promise<string> => {
    const created = await world.iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:oidc-provider/${prefix}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${prefix}:sub`]: sub } },
          }],
        }),
      }),
    );
    return created.Role!.Arn!;
  };
  const connection = (name: string, roleArn: string, extra: Record<string, unknown> = {}) =>
    call('POST', '/api/v1/tenants/acme/connections', { name, roleArn, region: 'us-east-1', tokenConfig: 'aws', ...extra });

  beforeAll(async () => {
    world = await startSetupWorld();
    prefix = world.issuer.replace(/^http:\/\//, '');
    await world.iam.send(new CreateOpenIDConnectProviderCommand({ Url: world.issuer, ClientIDList: ['sts.amazonaws.com'] }));
    // Team b's workload is the older one, so "the first workload the role admits" is team b's.
    for (const team of ['team-b', 'team-a']) {
      const created = await call('POST', '/api/v1/tenants/acme/workloads', { deployment: team, component: 'app' });
      secrets[team] = created.json.secret as string;
      ids[team] = created.json.id as string;
    }
  });
  afterAll(async () => world?.close());

  it('verification mints for the scope: a role that trusts another team fails it (422), where without a scope it passed', async () => {
    const teamB = await role('trusts-team-b', 'tenant:acme:deployment:team-b:*');
    // Without a scope, whichever workload the role admits first proves it: team b's, for team a's connection.
    const unscoped = await connection('team-a-unscoped', teamB);
    expect(unscoped.status, JSON.stringify(unscoped.json)).toBe(201);
    expect(unscoped.json.verification.workload).toBe(ids['team-b']);
    const scoped = await connection('team-a', teamB, { scope: 'deployment:team-a' });
    expect(scoped.status, JSON.stringify(scoped.json)).toBe(422);
    expect(scoped.json.error.code).toBe('role_not_assumable');
    expect(scoped.json.error.details.workload).toBe(ids['team-a']);
  });

  it('workloads outside the scope cannot fetch its credentials (403 workload_outside_connection_scope)', async () => {
    const teamA = await role('trusts-team-a', 'tenant:acme:deployment:team-a:*');
    const created = await connection('team-a', teamA, { scope: 'deployment:team-a' });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toMatchObject({ scope: 'deployment:team-a', verification: { workload: ids['team-a'] } });
    expect((await call('GET', '/api/v1/tenants/acme/connections/team-a')).json.scope).toBe('deployment:team-a');
    const own = await call('GET', '/api/v1/credentials/team-a', undefined, secrets['team-a']);
    expect(own.status, JSON.stringify(own.json)).toBe(200);
    expect(own.json.AccessKeyId).toEqual(expect.any(String));
    // Twice: the second answer comes from the cached connection.
    for (let round = 0; round < 2; round += 1) {
      const other = await call('GET', '/api/v1/credentials/team-a', undefined, secrets['team-b']);
      expect(other.status).toBe(403);
      expect(other.json.error.code).toBe('workload_outside_connection_scope');
      expect(other.json.Code).toBe('workload_outside_connection_scope');
    }
  });

  it('refuses a scope that cannot be served: unknown syntax, not in the template, a workload outside it', async () => {
    const anyRole = `arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:role/anything`;
    expect((await connection('bad-1', anyRole, { scope: 'team:a', verify: false })).json.error.code).toBe('invalid_scope');
    expect((await connection('bad-2', anyRole, { scope: 'region:eu-west-1', verify: false })).json.error.code).toBe('scope_not_in_template');
    expect((await connection('bad-3', anyRole, { scope: 'deployment:team-a', workload: ids['team-b'] })).json.error.code).toBe('workload_outside_scope');
    expect((await connection('bad-4', anyRole, { scope: 'workload:wl_missing', verify: false })).json.error.code).toBe('workload_not_found');
    expect((await connection('bad-5', anyRole, { scope: 'deployment:nobody' })).json.error.code).toBe('no_workload_to_verify');
  });

  it('the doctor fails a role that admits workloads outside the scope, and offers the scope\'s own statement, proven', async () => {
    const tenantWide = await role('trusts-everyone', 'tenant:acme:*');
    const created = await connection('team-a-broad', tenantWide, { scope: 'deployment:team-a' });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const test = await call('POST', '/api/v1/tenants/acme/connections/team-a-broad/test', {});
    expect(test.status, JSON.stringify(test.json)).toBe(200);
    expect(test.json.ok).toBe(false);
    expect(test.json.workload).toBe(ids['team-a']);
    const byKind = Object.fromEntries((test.json.probes as Array<{ probe: string; status: string; severity?: string }>).map((probe) => [probe.probe, probe]));
    // Another component of team a is inside the scope: accepted, as intended, no finding.
    expect(byKind.sibling_component).toMatchObject({ status: 'accepted' });
    expect(byKind.sibling_component).not.toHaveProperty('severity');
    // Another team is outside it: an error, not a warning.
    expect(byKind.sibling_deployment).toMatchObject({ status: 'accepted', severity: 'error' });
    expect(test.json.diagnosis).toMatchObject({ code: 'trust_too_broad', offeredFix: { status: 'proven' } });
    expect(test.json.diagnosis.correctedStatement.Condition).toEqual({
      StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' },
      StringLike: { [`${prefix}:sub`]: 'tenant:acme:deployment:team-a:*' },
    });
    // The same role for a connection serving the whole tenant is what it was: siblings are warnings only.
    const tenantConnection = await connection('tenant-broad', tenantWide, { scope: 'tenant' });
    expect(tenantConnection.status).toBe(201);
    const tenantTest = await call('POST', '/api/v1/tenants/acme/connections/tenant-broad/test', {});
    expect(tenantTest.json.ok, JSON.stringify(tenantTest.json.diagnosis)).toBe(true);
    expect(tenantTest.json.warnings).toEqual([]);
  });
});
