import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, installWebConsole } from '../../src/server/web_console.js';

describe('the console\'s static serving', () => {
  it('answers index.html on client routes only, assets with their type, all under the CSP', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'rolebridge-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'export {};');
    const app = Fastify();
    installWebConsole(app, dist);
    for (const url of ['/', '/sign-in', '/tenants', '/tenants/acme/connections/etl', '/playground']) {
      const answer = await app.inject({ url });
      expect(answer.statusCode, url).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['cache-control']).toBe('no-cache');
    }
    const asset = await app.inject({ url: '/assets/app.js' });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/tenantsx' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/index.html' })).statusCode).toBe(404); // one address for the page: the routes
    await app.close();
  });

  it('says how to build the console when web/dist is missing', async () => {
    const app = Fastify();
    installWebConsole(app, join(tmpdir(), 'rolebridge-no-such-dist'));
    const answer = await app.inject({ url: '/tenants' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ error: { code: 'console_not_built' } });
    await app.close();
  });
});
