import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIssuerTemplate } from '../../src/issuer/issuer_url.js';
import { buildIssuerDocuments, etagMatches } from '../../src/issuer/issuer_documents.js';
import { isTenantId } from '../../src/issuer/tenant_id.js';

describe('issuer template', () => {
  it('path mode: the tenant is a path segment; the issuer is plain substitution', () => {
    const urls = parseIssuerTemplate('http://127.0.0.1:8080/t/{tenant}');
    expect(urls.mode).toBe('path');
    expect(urls.routePrefix).toBe('/t/:tenant');
    expect(urls.issuerFor('acme')).toBe('http://127.0.0.1:8080/t/acme');
  });

  it('host mode: the tenant is resolved from Host, with or without the default port', () => {
    const urls = parseIssuerTemplate('https://{tenant}.id.example.com');
    expect(urls.mode).toBe('host');
    expect(urls.routePrefix).toBe('');
    expect(urls.issuerFor('acme')).toBe('https://acme.id.example.com');
    expect(urls.tenantFromHost('acme.id.example.com')).toBe('acme');
    expect(urls.tenantFromHost('ACME.id.example.com:443')).toBe('acme');
    expect(urls.tenantFromHost('acme.id.example.com:8443')).toBeUndefined();
    expect(urls.tenantFromHost('evil.com')).toBeUndefined();
    expect(urls.tenantFromHost('a.b.id.example.com')).toBeUndefined();
    expect(urls.tenantFromHost(undefined)).toBeUndefined();
  });

  it('host mode with a path keeps it in the routes', () => {
    const urls = parseIssuerTemplate('https://{tenant}.id.example.com/oidc');
    expect(urls.routePrefix).toBe('/oidc');
    expect(urls.issuerFor('acme')).toBe('https://acme.id.example.com/oidc');
  });

  it.each([
    'http://127.0.0.1:8080/t/{tenant}/',
    'http://127.0.0.1:8080/t/x{tenant}',
    'http://127.0.0.1:8080/t',
    'https://id-{tenant}.example.com',
    'https://{tenant}.{tenant}.example.com',
    'ftp://{tenant}.example.com',
    'https://{tenant}.example.com/?q=1',
  ])('refuses %s', (template) => {
    expect(() => parseIssuerTemplate(template)).toThrow(/ROLEBRIDGE_ISSUER_TEMPLATE/);
  });

  it('issuer URLs never end with a slash and round-trip the tenant from Host (property)', () => {
    const tenantId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/).filter(isTenantId);
    const urls = parseIssuerTemplate('https://{tenant}.id.example.com');
    fc.assert(
      fc.property(tenantId, (tenant) => {
        const issuer = urls.issuerFor(tenant);
        expect(issuer.endsWith('/')).toBe(false);
        expect(urls.tenantFromHost(new URL(issuer).host)).toBe(tenant);
      }),
    );
  });
});

describe('issuer documents', () => {
  it('discovery names the issuer byte-exact and the JWKS under it; ETag changes with the keys', () => {
    const a = buildIssuerDocuments('https://acme.id.example.com', [], 300);
    const discovery = JSON.parse(a.discovery.body.toString());
    expect(discovery.issuer).toBe('https://acme.id.example.com');
    expect(discovery.jwks_uri).toBe('https://acme.id.example.com/.well-known/jwks.json');
    const b = buildIssuerDocuments('https://acme.id.example.com', [{ kty: 'EC', kid: 'k', alg: 'ES256', use: 'sig', crv: 'P-256', x: 'x', y: 'y' }], 300);
    expect(b.jwks.etag).not.toBe(a.jwks.etag);
    expect(b.jwks.cacheControl).toBe('public, max-age=300');
  });

  it('If-None-Match: exact, listed, weak and * match; others do not', () => {
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('"b", "a"', '"a"')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches('*', '"a"')).toBe(true);
    expect(etagMatches('"b"', '"a"')).toBe(false);
    expect(etagMatches(undefined, '"a"')).toBe(false);
  });
});
