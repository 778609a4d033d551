import { InvalidInputError } from '../core/index.js';
import { isTenantId } from './tenant_id.js';

/**
 * Where each tenant's issuer lives, from ROLEBRIDGE_ISSUER_TEMPLATE:
 * - path mode `http://127.0.0.1:8080/t/{tenant}`: one host, the tenant is a whole path segment;
 * - host mode `https://{tenant}.id.example.com`: the tenant is the first DNS label, resolved from `Host`.
 * The issuer is produced by plain substitution, so `iss`, discovery's `issuer` and the IAM provider URL
 * are the same bytes (no trailing slash, no normalisation).
 */
export interface IssuerUrls {
  readonly mode: 'path' | 'host';
  readonly template: string;
  issuerFor(tenantId: string): string;
  /** The fastify route prefix of the issuer's documents: `/t/:tenant` (path) or the template's path (host). */
  readonly routePrefix: string;
  /** Host mode: the tenant named by a `Host` header, if it is one of ours. */
  tenantFromHost(host: string | undefined): string | undefined;
}

function templateError(reason: string): InvalidInputError {
  return new InvalidInputError('invalid_configuration', `ROLEBRIDGE_ISSUER_TEMPLATE: ${reason}`, { variable: 'ROLEBRIDGE_ISSUER_TEMPLATE' });
}

export function parseIssuerTemplate(template: string): IssuerUrls {
  const match = /^(https?):\/\/([^/]+)(\/[^?#]*)?$/.exec(template);
  if (!match || template.split('{tenant}').length !== 2) throw templateError('expected http(s)://host[/path] with {tenant} once');
  if (template.endsWith('/')) throw templateError('must not end with /');
  const [, scheme, authority, rawPath = ''] = match as unknown as [string, string, string, string | undefined];
  const issuerFor = (tenantId: string): string => template.replace('{tenant}', tenantId);

  if (authority.includes('{tenant}')) {
    if (!authority.startsWith('{tenant}.')) throw templateError('in the host, {tenant} must be the first label ({tenant}.id.example.com)');
    const hostSuffix = authority.slice('{tenant}'.length).toLowerCase();
    // Without a port in the template, a Host header may still carry the scheme's default one.
    const defaultPort = `:${scheme === 'https' ? 443 : 80}`;
    const templateHasPort = /:\d+$/.test(hostSuffix);
    return {
      mode: 'host',
      template,
      issuerFor,
      routePrefix: rawPath,
      tenantFromHost(host) {
        if (host === undefined) return undefined;
        let lower = host.toLowerCase();
        if (!templateHasPort && lower.endsWith(defaultPort)) lower = lower.slice(0, -defaultPort.length);
        if (!lower.endsWith(hostSuffix)) return undefined;
        const tenant = lower.slice(0, lower.length - hostSuffix.length);
        return isTenantId(tenant) ? tenant : undefined;
      },
    };
  }
  const segments = rawPath.split('/');
  if (!segments.includes('{tenant}')) throw templateError('in the path, {tenant} must be a whole segment (/t/{tenant})');
  return {
    mode: 'path',
    template,
    issuerFor,
    routePrefix: segments.map((s) => (s === '{tenant}' ? ':tenant' : s)).join('/'),
    tenantFromHost: () => undefined,
  };
}
