import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/server/index.js';
import { startServerRuntime, type ServerRuntime } from '../../src/runtime/index.js';
import { TEST_ADMIN_TOKEN, TEST_MASTER_KEY } from '../helpers/test_server.js';

/**
 * Set-up codes through the real HTTP server, with a clock the test moves: issuing, the single exchange,
 * expiry, and what a set-up session may and may not reach.
 */
interface Issued {
  id: string;
  code: string;
  expiresAt: string;
  tenant: string;
  tokenConfig: string;
  scope: string | null;
  connection: string | null;
  command: string;
}

interface Session {
  sessionToken: string;
  expiresAt: string;
  tenant: string;
  tokenConfig: string;
  scope: string | null;
}

const START = Date.parse('2026-03-01T10:00:00.000Z');

describe('set-up codes and set-up sessions', () => {
  let server: ServerRuntime;
  let clock = START;
  const logs: string[] = [];
  let workloadId = '';

  const call = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const admin = (method: string, path: string, body?: unknown) => call(method, path, TEST_ADMIN_TOKEN, body);
  const errorCode = (json: Record<string, unknown>): unknown => (json.error as { code?: string } | undefined)?.code;
  const issue = async (body: Record<string, unknown>, tenant = 'acme'): Promise<Issued> => {
    const { status, json } = await admin('POST', `/api/v1/tenants/${tenant}/setup-codes`, body);
    expect(status, JSON.stringify(json)).toBe(201);
    return json as unknown as Issued;
  };
  const exchange = (code: string) => call('POST', '/api/v1/setup-sessions', code);
  const session = async (body: Record<string, unknown> = { tokenConfig: 'aws' }): Promise<Session> => {
    const { status, json } = await exchange((await issue(body)).code);
    expect(status, JSON.stringify(json)).toBe(200);
    return json as unknown as Session;
  };

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = loadConfig(
      { ROLEBRIDGE_MASTER_KEY: TEST_MASTER_KEY, ROLEBRIDGE_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
      { databaseUrl: 'sqlite::memory:', host: '127.0.0.1', port: 0, logLevel: 'info' },
    );
    server = await startServerRuntime(config, { logger: createLogger({ level: 'info', destination }), defaultMetrics: false, now: () => clock });
    for (const tenant of ['acme', 'beta']) {
      expect((await admin('POST', '/api/v1/tenants', { id: tenant, name: tenant })).status).toBe(201);
      for (const name of ['aws', 'other']) {
        const created = await admin('POST', `/api/v1/tenants/${tenant}/token-configs`, { name, subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}' });
        expect(created.status).toBe(201);
      }
    }
    workloadId = (await admin('POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'etl' })).json.id as string;
  });
  afterAll(async () => server.close());

  it('issues a high-entropy code with a ready-to-paste command, audited without the code', async () => {
    const issued = await issue({ tokenConfig: 'aws', ttlSeconds: 600, scope: 'deployment:prod,component:etl', connection: 'acme-etl' });
    expect(issued.code).toMatch(/^rbs_[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(issued).toMatchObject({ tenant: 'acme', tokenConfig: 'aws', scope: 'deployment:prod,component:etl', connection: 'acme-etl' });
    expect(Date.parse(issued.expiresAt)).toBe(clock + 600_000);
    expect(issued.command).toBe(
      `rolebridge setup aws --server ${server.url} --setup-code ${issued.code} --tenant acme --token-config aws --deployment prod --component etl --connection acme-etl`,
    );
    const audit = await admin('GET', '/api/v1/tenants/acme/audit?action=setup_code.created');
    const events = audit.json.events as Array<{ actor: string; target: string; details: Record<string, unknown> }>;
    expect(events.find((event) => event.target === issued.id)).toMatchObject({ actor: expect.stringMatching(/^admin:/), details: { tokenConfig: 'aws', ttlSeconds: 600 } });
    expect(JSON.stringify(audit.json)).not.toContain(issued.code);
    expect(await server.store.setupCodes.findByCodeHash(issued.code)).toBeUndefined(); // stored only as a hash
  });

  it('takes any subset of placeholders as its scope, stored canonically, and refuses what the template cannot express', async () => {
    const component = await issue({ tokenConfig: 'aws', scope: 'component:etl' });
    expect(component.scope).toBe('component:etl');
    expect(component.command).toContain('--token-config aws --component etl');
    expect(component.command).not.toContain('--deployment');
    const reordered = await issue({ tokenConfig: 'aws', scope: 'component:etl,deployment:prod' });
    expect(reordered.scope).toBe('deployment:prod,component:etl');
    // The template has no {region}: a code must not promise a scope set-up cannot build.
    expect(errorCode((await admin('POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'aws', scope: 'region:eu-west-1' })).json)).toBe('scope_not_in_template');
    // A session pinned to a scope accepts it in any order, and nothing wider.
    const { sessionToken } = await session({ tokenConfig: 'aws', scope: 'component:etl,deployment:prod' });
    const trust = (scope: string) => call('GET', `/api/v1/tenants/acme/trust-policy?tokenConfig=aws&scope=${scope}`, sessionToken);
    expect((await trust('component:etl,deployment:prod')).status).toBe(200);
    expect((await trust('deployment:prod,component:etl')).status).toBe(200);
    expect(errorCode((await trust('component:etl')).json)).toBe('setup_scope_forbidden');
  });

  it('refuses bad requests for codes', async () => {
    expect(errorCode((await admin('POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'aws', ttlSeconds: 59 })).json)).toBe('invalid_ttl');
    expect(errorCode((await admin('POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'aws', ttlSeconds: 86_401 })).json)).toBe('invalid_ttl');
    expect(errorCode((await admin('POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'nope' })).json)).toBe('token_config_not_found');
    expect(errorCode((await admin('POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'aws', scope: 'workload:wl_missing' })).json)).toBe('workload_not_found');
    expect(errorCode((await admin('POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'aws', scope: 'everyone' })).json)).toBe('invalid_scope');
    expect((await call('POST', '/api/v1/tenants/acme/setup-codes', 'rbs_not_an_admin', { tokenConfig: 'aws' })).status).toBe(401);
  });

  it('exchanges a code exactly once', async () => {
    const issued = await issue({ tokenConfig: 'aws' });
    const first = await exchange(issued.code);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ tenant: 'acme', tokenConfig: 'aws', scope: null, expiresAt: new Date(clock + 3_600_000).toISOString() });
    expect(first.json.sessionToken).toMatch(/^rbss_[A-Za-z0-9_-]{43}$/);
    const second = await exchange(issued.code);
    expect(second.status).toBe(401);
    expect(errorCode(second.json)).toBe('setup_code_used');
    // Concurrent exchanges of a fresh code: one wins.
    const fresh = await issue({ tokenConfig: 'aws' });
    const racing = await Promise.all([exchange(fresh.code), exchange(fresh.code), exchange(fresh.code)]);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    const refused = await admin('GET', '/api/v1/tenants/acme/audit?action=setup_code.exchange_refused');
    expect((refused.json.events as Array<{ actor: string; outcome: string }>)[0]).toMatchObject({ actor: `setup:${issued.id}`, outcome: 'failure' });
  });

  it('refuses an expired code and an unknown one', async () => {
    const issued = await issue({ tokenConfig: 'aws', ttlSeconds: 60 });
    clock += 60_000;
    const expired = await exchange(issued.code);
    expect([expired.status, errorCode(expired.json)]).toEqual([401, 'setup_code_expired']);
    const unknown = await exchange('rbs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect([unknown.status, errorCode(unknown.json)]).toEqual([401, 'invalid_credentials']);
    expect(errorCode((await call('POST', '/api/v1/setup-sessions', '', undefined)).json)).toBe('unauthenticated');
  });

  it('a session reaches what set-up needs for its tenant and token config', async () => {
    const { sessionToken } = await session();
    const as = (method: string, path: string, body?: unknown) => call(method, path, sessionToken, body);
    expect((await as('GET', '/api/v1/tenants/acme')).json).toMatchObject({ id: 'acme' });
    const configs = (await as('GET', '/api/v1/tenants/acme/token-configs')).json.tokenConfigs as Array<{ name: string }>;
    expect(configs.map((config) => config.name)).toEqual(['aws']); // not 'other'
    expect(((await as('GET', '/api/v1/tenants/acme/workloads')).json.workloads as unknown[]).length).toBe(1);
    const trust = await as('GET', `/api/v1/tenants/acme/trust-policy?tokenConfig=aws&scope=workload:${workloadId}&accountId=123456789012`);
    expect(trust.status).toBe(200);
    expect((await as('GET', '/api/v1/tenants/acme/connections')).status).toBe(200);
    const created = await as('POST', '/api/v1/tenants/acme/connections', {
      name: 'from-setup',
      roleArn: 'arn:aws:iam::123456789012:role/from-setup',
      region: 'us-east-1',
      tokenConfig: 'aws',
      verify: false,
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect((await as('GET', '/api/v1/tenants/acme/connections/from-setup')).status).toBe(200);
    const audit = await admin('GET', '/api/v1/tenants/acme/audit?action=connection.created');
    const events = audit.json.events as Array<{ actor: string; target: string }>;
    expect(events.find((event) => event.target === 'from-setup')?.actor).toMatch(/^setup:sc_/);
  });

  it('a session is refused everywhere else: other routes, tenants, token configs, connections and admin mutations', async () => {
    const { sessionToken } = await session();
    await admin('POST', '/api/v1/tenants/acme/connections', { name: 'other-config', roleArn: 'arn:aws:iam::123456789012:role/x', region: 'us-east-1', tokenConfig: 'other', verify: false });
    const as = (method: string, path: string, body?: unknown) => call(method, path, sessionToken, body);
    const refusals: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/tenants/beta'],
      ['GET', '/api/v1/tenants/beta/token-configs'],
      ['GET', '/api/v1/tenants/beta/workloads'],
      ['GET', '/api/v1/tenants/acme/trust-policy?tokenConfig=other&scope=tenant'],
      ['GET', '/api/v1/tenants/beta/trust-policy?tokenConfig=aws&scope=tenant'],
      ['POST', '/api/v1/tenants/acme/connections', { name: 'x', roleArn: 'arn:aws:iam::123456789012:role/x', region: 'us-east-1', tokenConfig: 'other', verify: false }],
      ['GET', '/api/v1/tenants/acme/connections/other-config'],
      ['POST', '/api/v1/tenants/acme/connections/other-config/test', {}],
      ['DELETE', '/api/v1/tenants/acme/connections/from-setup'],
      ['POST', '/api/v1/tenants', { id: 'evil', name: 'Evil' }],
      ['POST', '/api/v1/tenants/acme/token-configs', { name: 'mine', subjectTemplate: '{workload}' }],
      ['POST', '/api/v1/tenants/acme/workloads', { deployment: 'x', component: 'y' }],
      ['POST', '/api/v1/tenants/acme/keys/rotate', {}],
      ['GET', '/api/v1/tenants/acme/keys'],
      ['GET', '/api/v1/tenants/acme/audit'],
      ['POST', '/api/v1/tenants/acme/setup-codes', { tokenConfig: 'aws' }],
    ];
    for (const [method, path, body] of refusals) {
      const answer = await as(method, path, body);
      expect([method, path, answer.status, errorCode(answer.json)]).toEqual([method, path, 403, 'setup_scope_forbidden']);
    }
    // Workload routes do not take it either.
    expect((await as('POST', '/api/v1/token', {})).status).toBe(401);
    expect((await admin('GET', '/api/v1/tenants/acme/connections/from-setup')).status).toBe(200); // the DELETE did nothing
  });

  it('pins: a scoped code only serves its scope, a named connection only that name', async () => {
    const { sessionToken } = await session({ tokenConfig: 'aws', scope: `workload:${workloadId}`, connection: 'pinned' });
    const as = (method: string, path: string, body?: unknown) => call(method, path, sessionToken, body);
    expect((await as('GET', `/api/v1/tenants/acme/trust-policy?tokenConfig=aws&scope=workload:${workloadId}`)).status).toBe(200);
    expect(errorCode((await as('GET', '/api/v1/tenants/acme/trust-policy?tokenConfig=aws&scope=tenant')).json)).toBe('setup_scope_forbidden');
    const body = { roleArn: 'arn:aws:iam::123456789012:role/p', region: 'us-east-1', tokenConfig: 'aws', verify: false };
    expect(errorCode((await as('POST', '/api/v1/tenants/acme/connections', { ...body, name: 'elsewhere' })).json)).toBe('setup_scope_forbidden');
    expect((await as('POST', '/api/v1/tenants/acme/connections', { ...body, name: 'pinned' })).status).toBe(201);
  });

  it('a session ends after an hour', async () => {
    const { sessionToken } = await session();
    clock += 3_599_000;
    expect((await call('GET', '/api/v1/tenants/acme', sessionToken)).status).toBe(200);
    clock += 1_000;
    const late = await call('GET', '/api/v1/tenants/acme', sessionToken);
    expect([late.status, errorCode(late.json)]).toEqual([401, 'setup_session_expired']);
  });

  it('documents the routes and which ones take a set-up session in OpenAPI', async () => {
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(openapi.components.securitySchemes)).toEqual(expect.arrayContaining(['setupCode', 'setupSession']));
    expect(openapi.paths['/api/v1/setup-sessions']?.post?.security).toEqual([{ setupCode: [] }]);
    expect(openapi.paths['/api/v1/tenants/{tenant}/setup-codes']?.post?.security).toEqual([{ adminToken: [] }, { idpBearer: [] }, { sessionCookie: [] }]);
    expect(openapi.paths['/api/v1/tenants/{tenant}/trust-policy']?.get?.security).toContainEqual({ setupSession: [] });
    expect(openapi.paths['/api/v1/tenants/{tenant}/keys/rotate']?.post?.security).not.toContainEqual({ setupSession: [] });
  });

  it('no code or session token reaches the logs or the audit log', async () => {
    const issued = await issue({ tokenConfig: 'aws' });
    const started = (await exchange(issued.code)).json as unknown as Session;
    await call('GET', '/api/v1/tenants/acme/keys', started.sessionToken);
    const everything = logs.join('') + JSON.stringify(await server.store.audit.list({ limit: 1000 }));
    expect(everything).toContain(issued.id);
    expect(everything).not.toContain(issued.code);
    expect(everything).not.toContain(started.sessionToken);
    expect(everything).not.toMatch(/rbss?_[A-Za-z0-9_-]{43}/);
  });
  it("lists only its own token config's connections (and only its pinned one) to a set-up session", async () => {
    for (const [name, tokenConfig] of [['listed-aws', 'aws'], ['listed-other', 'other']] as const) {
      const created = await admin('POST', '/api/v1/tenants/acme/connections', {
        name,
        roleArn: `arn:aws:iam::123456789012:role/${name}`,
        region: 'us-east-1',
        tokenConfig,
        verify: false,
      });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
    }
    const names = async (token: string): Promise<string[]> => {
      const listed = await call('GET', '/api/v1/tenants/acme/connections', token);
      expect(listed.status).toBe(200);
      return (listed.json.connections as Array<{ name: string }>).map((c) => c.name);
    };
    expect(await names(TEST_ADMIN_TOKEN)).toEqual(expect.arrayContaining(['listed-aws', 'listed-other']));
    const forAws = await names((await session({ tokenConfig: 'aws' })).sessionToken);
    expect(forAws).toContain('listed-aws');
    expect(forAws).not.toContain('listed-other');
    expect(await names((await session({ tokenConfig: 'aws', connection: 'not-yet' })).sessionToken)).toEqual([]);
  });
});
