import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { AWS_TAGS_CLAIM, DEFAULT_ROTATION_POLICY, Issuer, mintProbeToken, PROBE_CLAIM } from '../../src/issuer/index.js';
import { parseSessionTags, renderAwsTagsClaim } from '../../src/issuer/session_tags.js';
import { assertStaticClaims } from '../../src/issuer/token_claims.js';
import { openStore, type Store, type WorkloadRecord } from '../../src/store/index.js';
import { RolebridgeError } from '../../src/core/index.js';

let store: Store | undefined;
let issuer: Issuer | undefined;
afterEach(async () => {
  await issuer?.close();
  await store?.close();
});

async function setup(signing: 'worker' | 'inline' = 'inline', algorithm: 'ES256' | 'RS256' = 'ES256') {
  store = await openStore('sqlite::memory:');
  issuer = new Issuer({
    store,
    masterKey: randomBytes(32),
    issuerTemplate: () => 'https://{tenant}.id.example.com',
    policy: DEFAULT_ROTATION_POLICY,
    now: Date.now,
    signing,
  });
  await issuer.createTenant({ id: 'acme', name: 'Acme', signingAlgorithm: algorithm }, 'admin:test');
  const workloadOf = async (deployment: string, component: string, region?: string) => {
    const created = await issuer!.createWorkload('acme', { deployment, component, ...(region ? { region } : {}) }, 'admin:test');
    return { created, record: (await store!.workloads.find('acme', created.id)) as WorkloadRecord };
  };
  return { issuer, store, workloadOf };
}

async function verified(issuer: Issuer, token: string): Promise<Record<string, unknown>> {
  const { keys } = JSON.parse((await issuer.documents('acme')).jwks.body.toString()) as { keys: JWK[] };
  const header = decodeProtectedHeader(token);
  const jwk = keys.find((k) => k.kid === header.kid)!;
  const { payload } = await jwtVerify(token, await importJWK(jwk, header.alg!), { issuer: 'https://acme.id.example.com' });
  return payload as Record<string, unknown>;
}

function codeOf(error: unknown): string {
  return (error as RolebridgeError).code;
}

describe('token contents', () => {
  it.each(['worker', 'inline'] as const)('carries static claims and AWS session tags rendered from the workload (%s signing)', async (signing) => {
    const { issuer, workloadOf } = await setup(signing);
    await issuer.createTokenConfig(
      'acme',
      {
        name: 'default',
        audience: 'sts.amazonaws.com',
        subjectTemplate: 'deployment:{deployment}:component:{component}:region:{region}',
        lifetimeSeconds: 900,
        claims: { plan: 'enterprise', amr: ['workload'] },
        sessionTags: { principalTags: { Deployment: '{deployment}', Team: 'data platform' }, transitiveTagKeys: ['Deployment'] },
      },
      'admin:test',
    );
    const { record } = await workloadOf('prod', 'api', 'eu-west-1');
    const { token, expiresAt } = await issuer.issueToken(record, {});
    const claims = await verified(issuer, token);
    expect(claims).toMatchObject({
      sub: 'deployment:prod:component:api:region:eu-west-1',
      aud: 'sts.amazonaws.com',
      plan: 'enterprise',
      amr: ['workload'],
      region: 'eu-west-1',
      [AWS_TAGS_CLAIM]: { principal_tags: { Deployment: ['prod'], Team: ['data platform'] }, transitive_tag_keys: ['Deployment'] },
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(Date.parse(expiresAt)).toBe((claims.exp as number) * 1000);
  });

  it('`region` is there exactly when the workload has one: absent (never null or empty) for a workload without a region', async () => {
    const { issuer, workloadOf } = await setup('inline');
    await issuer.createTokenConfig('acme', { name: 'default', subjectTemplate: 'deployment:{deployment}:component:{component}' }, 'admin:test');
    const without = await verified(issuer, (await issuer.issueToken((await workloadOf('prod', 'api')).record, {})).token);
    expect(Object.keys(without)).not.toContain('region');
    expect(without).toMatchObject({ tenant_id: 'acme', deployment: 'prod', component: 'api', workload_id: expect.any(String) });
    const withRegion = await verified(issuer, (await issuer.issueToken((await workloadOf('prod', 'etl', 'eu-west-1')).record, {})).token);
    expect(withRegion.region).toBe('eu-west-1');
  });

  it('a probe token carries the claim set of a real token, with the neighbour\'s values', async () => {
    const { issuer, workloadOf } = await setup('inline');
    await issuer.createTokenConfig(
      'acme',
      {
        name: 'default',
        subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}',
        claims: { plan: 'enterprise' },
        sessionTags: { principalTags: { Component: '{component}' } },
      },
      'admin:test',
    );
    const { record } = await workloadOf('prod', 'api', 'eu-west-1');
    const real = await verified(issuer, (await issuer.issueToken(record, {})).token);
    const probe = await mintProbeToken(issuer, { workload: record, tokenConfig: 'default', probe: 'sibling_component', now: Date.now() });
    if ('skipped' in probe) throw new Error(probe.skipped);
    const probed = await verified(issuer, probe.token);
    expect(Object.keys(probed).filter((claim) => claim !== PROBE_CLAIM).sort()).toEqual(Object.keys(real).sort());
    expect(probed).toMatchObject({ component: 'rb-probe-api', workload_id: `rb-probe-${record.id}`, [AWS_TAGS_CLAIM]: { principal_tags: { Component: ['rb-probe-api'] } } });
  });

  it('RS256 tenants sign RS256 tokens', async () => {
    const { issuer, workloadOf } = await setup('worker', 'RS256');
    await issuer.createTokenConfig('acme', { name: 'aws', subjectTemplate: 'w:{workload}' }, 'admin:test');
    const { record } = await workloadOf('prod', 'api');
    const { token } = await issuer.issueToken(record, {});
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    expect((await verified(issuer, token)).sub).toBe(`w:${record.id}`);
  });

  it('picks the config named default, else the only one, else asks (400 token_config_required)', async () => {
    const { issuer, workloadOf } = await setup();
    const { record, created } = await workloadOf('prod', 'api');
    expect(created.subject).toBeNull(); // no token config yet
    await expect(issuer.issueToken(record, {})).rejects.toMatchObject({ code: 'no_token_config', status: 503 });
    await issuer.createTokenConfig('acme', { name: 'first', subjectTemplate: 'a:{deployment}' }, 'admin:test');
    expect(decodeJwt((await issuer.issueToken(record, {})).token).sub).toBe('a:prod');
    await issuer.createTokenConfig('acme', { name: 'second', subjectTemplate: 'b:{deployment}' }, 'admin:test');
    await expect(issuer.issueToken(record, {})).rejects.toMatchObject({ code: 'token_config_required', status: 400 });
    expect(decodeJwt((await issuer.issueToken(record, { tokenConfig: 'second' })).token).sub).toBe('b:prod');
    await issuer.createTokenConfig('acme', { name: 'default', subjectTemplate: 'c:{deployment}' }, 'admin:test');
    expect(decodeJwt((await issuer.issueToken(record, {})).token).sub).toBe('c:prod');
  });

  it('a template needing {region} refuses a workload without one (422), and its listed subject is null', async () => {
    const { issuer, workloadOf } = await setup();
    await issuer.createTokenConfig('acme', { name: 'default', subjectTemplate: 'd:{deployment}:r:{region}' }, 'admin:test');
    const { record, created } = await workloadOf('prod', 'api');
    expect(created.subject).toBeNull();
    await expect(issuer.issueToken(record, {})).rejects.toMatchObject({ code: 'subject_value_missing', status: 422 });
  });

  it('distinct workloads never share a subject under a template with {workload} (property)', async () => {
    const { issuer, workloadOf } = await setup();
    await issuer.createTokenConfig('acme', { name: 'default', subjectTemplate: 'd:{deployment}:c:{component}:w:{workload}' }, 'admin:test');
    const value = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
    const subjects = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(value, value, fc.option(value, { nil: undefined }), async (deployment, component, region) => {
        let created;
        try {
          ({ created } = await workloadOf(deployment, component, region));
        } catch (error) {
          expect(codeOf(error)).toBe('workload_exists');
          return;
        }
        expect(created.subject).not.toBeNull();
        expect(subjects.has(created.subject!)).toBe(false);
        subjects.set(created.subject!, created.id);
      }),
      { numRuns: 60 },
    );
  });
});

describe('session tags and static claims', () => {
  it('enforces AWS limits: 50 tags, key and value lengths and characters, aws: prefix, case-insensitive keys', () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    for (const input of [
      { principalTags: many },
      { principalTags: { ['k'.repeat(129)]: 'v' } },
      { principalTags: { k: 'v'.repeat(257) } },
      { principalTags: { 'a*b': 'v' } },
      { principalTags: { k: 'v?' } },
      { principalTags: { 'AWS:x': 'v' } },
      { principalTags: { Team: 'a', team: 'b' } },
      { principalTags: {} },
      { principalTags: { k: '{user}' } },
      { principalTags: { k: 'v' }, transitiveTagKeys: ['k', 'K'] },
    ]) {
      expect(() => parseSessionTags(input), JSON.stringify(input).slice(0, 80)).toThrow(RolebridgeError);
    }
    const tags = parseSessionTags({ principalTags: { Team: 'a b', Env: '' }, transitiveTagKeys: ['team'] });
    expect(renderAwsTagsClaim(tags, {})).toEqual({ principal_tags: { Team: ['a b'], Env: [''] }, transitive_tag_keys: ['team'] });
  });

  it('refuses reserved and malformed static claim names', () => {
    for (const name of ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'azp', 'tenant_id', 'workload_id', 'https://aws.amazon.com/tags']) {
      expect(() => assertStaticClaims({ [name]: 'x' })).toThrow(/cannot be configured/);
    }
    expect(() => assertStaticClaims({ 'has space': 1 })).toThrow(RolebridgeError);
    expect(() => assertStaticClaims({ big: 'x'.repeat(5000) })).toThrow(RolebridgeError);
    expect(assertStaticClaims({ 'https://example.com/plan': 'gold' })).toEqual({ 'https://example.com/plan': 'gold' });
  });
});
