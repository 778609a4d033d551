import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: 'sqlite:./.rolebridge/rolebridge.db',
      issuerTemplate: 'http://127.0.0.1:8080/t/{tenant}',
      host: '127.0.0.1',
      port: 8080,
      adminToken: undefined,
      masterKey: undefined,
      features: { awsDatabaseIamAuth: false },
      dataDir: './.rolebridge',
      driftWatchIntervalSeconds: 3600,
    });
  });

  it('lets flags override the environment', () => {
    const config = loadConfig({ PORT: '9000', ROLEBRIDGE_DATABASE_URL: 'sqlite::memory:' }, { port: 9100 });
    expect(config.port).toBe(9100);
    expect(config.databaseUrl).toBe('sqlite::memory:');
  });

  it('follows PORT in the default issuer template', () => {
    expect(loadConfig({ PORT: '9000' }).issuerTemplate).toBe('http://127.0.0.1:9000/t/{tenant}');
  });

  it('accepts host-based issuer templates', () => {
    const config = loadConfig({ ROLEBRIDGE_ISSUER_TEMPLATE: 'https://{tenant}.id.example.com' });
    expect(config.issuerTemplate).toBe('https://{tenant}.id.example.com');
    expect(config.issuerTemplateExplicit).toBe(true);
  });

  it.each([
    [{ ROLEBRIDGE_ISSUER_TEMPLATE: 'https://id.example.com/t/' }, 'ROLEBRIDGE_ISSUER_TEMPLATE'],
    [{ ROLEBRIDGE_ISSUER_TEMPLATE: 'https://id.example.com' }, 'ROLEBRIDGE_ISSUER_TEMPLATE'],
    [{ ROLEBRIDGE_ISSUER_TEMPLATE: 'https://id.example.com/{tenant}/{tenant}' }, 'ROLEBRIDGE_ISSUER_TEMPLATE'],
    [{ ROLEBRIDGE_DATABASE_URL: 'mysql://x' }, 'ROLEBRIDGE_DATABASE_URL'],
    [{ ROLEBRIDGE_MASTER_KEY: 'c2hvcnQ=' }, 'ROLEBRIDGE_MASTER_KEY'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ ROLEBRIDGE_DRIFT_WATCH_INTERVAL_SECONDS: '-1' }, 'ROLEBRIDGE_DRIFT_WATCH_INTERVAL_SECONDS'],
    [{ ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH: 'maybe' }, 'ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ code: 'invalid_configuration', details: { variable } }));
  });

  it('reads the master key and the database feature flag', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = loadConfig({ ROLEBRIDGE_MASTER_KEY: key, ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH: 'true' });
    expect(config.masterKey?.equals(Buffer.alloc(32, 1))).toBe(true);
    expect(config.features.awsDatabaseIamAuth).toBe(true);
  });

  it('reads ROLEBRIDGE_ROTATION_CANARY: all (default), off, or a connection name; anything else names the variable', () => {
    expect(loadConfig({}).rotationCanary).toBe('all');
    expect(loadConfig({ ROLEBRIDGE_ROTATION_CANARY: 'off' }).rotationCanary).toBe('off');
    expect(loadConfig({ ROLEBRIDGE_ROTATION_CANARY: 'rotation-canary' }).rotationCanary).toEqual({ connection: 'rotation-canary' });
    expect(() => loadConfig({ ROLEBRIDGE_ROTATION_CANARY: 'Not A Name' })).toThrow(/ROLEBRIDGE_ROTATION_CANARY/);
  });
});
