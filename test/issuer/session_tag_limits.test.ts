import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

// Session tags are checked when a token config is saved, against STS's documented limits (AWS-REFERENCE §2.12),
// so a config AWS would refuse at AssumeRoleWithWebIdentity never reaches a workload. Through real HTTP.

let server: TestServer;
let counter = 0;

async function create(sessionTags: unknown) {
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/v1/tenants/tags/token-configs',
    headers: { ...server.adminHeaders, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: `tc-${++counter}`, subjectTemplate: 'd:{deployment}:c:{component}', sessionTags }),
  });
  return { status: response.statusCode, body: JSON.parse(response.body) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const tags = (n: number, value = 'v'): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`Tag${i}`, value]));

beforeAll(async () => {
  server = await startTestServer();
  const tenant = await server.app.inject({
    method: 'POST',
    url: '/api/v1/tenants',
    headers: { ...server.adminHeaders, 'content-type': 'application/json' },
    payload: JSON.stringify({ id: 'tags', name: 'Tags' }),
  });
  expect(tenant.statusCode).toBe(201);
});
afterAll(async () => server.close());

describe('session tags within AWS limits, checked on token-config create', () => {
  it.each([
    ['at most 50 tags', { principalTags: tags(51) }, 'too_many_tags'],
    ['at least one tag', { principalTags: {} }, 'no_tags'],
    ['a key of at most 128 characters', { principalTags: { ['k'.repeat(129)]: 'v' } }, 'key_length'],
    ['key characters', { principalTags: { 'team#1': 'v' } }, 'key_characters'],
    ['aws: keys are AWS\'s', { principalTags: { 'AWS:Team': 'v' } }, 'key_reserved'],
    ['a value of at most 256 characters', { principalTags: { Team: 'v'.repeat(257) } }, 'value_length'],
    ['value characters', { principalTags: { Team: 'a*b' } }, 'value_characters'],
    ['a value template with known placeholders', { principalTags: { Team: '{nope}' } }, 'value_template'],
    ['keys are case-insensitive', { principalTags: { Team: 'a', TEAM: 'b' } }, 'duplicate_key'],
    ['transitive keys are tags', { principalTags: { Team: 'a' }, transitiveTagKeys: ['Project'] }, 'transitive_key_not_a_tag'],
    ['a transitive key once', { principalTags: { Team: 'a' }, transitiveTagKeys: ['Team', 'team'] }, 'duplicate_transitive_key'],
  ])('%s: 400 invalid_session_tags, rule %s', async (_what, sessionTags, rule) => {
    const response = await create(sessionTags);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_session_tags');
    expect(response.body.error.details.rule).toBe(rule);
    expect(response.body.error.message.length).toBeGreaterThan(10);
  });

  it('accepts everything up to the limits', async () => {
    expect((await create({ principalTags: tags(50) })).status).toBe(201);
    expect((await create({ principalTags: { ['k'.repeat(128)]: 'v'.repeat(256) } })).status).toBe(201);
    expect((await create({ principalTags: { 'Équipe données_1.a:b/c=d+e-f@g': 'Ünïcode value 42', Empty: '' } })).status).toBe(201);
    // Transitive keys name tags case-insensitively, as AWS compares them.
    expect((await create({ principalTags: tags(50), transitiveTagKeys: Object.keys(tags(50)).map((k) => k.toLowerCase()) })).status).toBe(201);
  });

  it('a refused config is not saved', async () => {
    const list = async () =>
      (await server.app.inject({ method: 'GET', url: '/api/v1/tenants/tags/token-configs', headers: server.adminHeaders })).json().tokenConfigs.length as number;
    const before = await list();
    expect((await create({ principalTags: tags(51) })).status).toBe(400);
    expect(await list()).toBe(before);
  });
});
