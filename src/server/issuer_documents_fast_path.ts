import type { IncomingMessage, ServerResponse } from 'node:http';
import { DISCOVERY_PATH, etagMatches, isTenantId, JWKS_PATH, type Issuer, type IssuerDocuments, type ServedDocument } from '../issuer/index.js';
import type { Metrics, RequestTally } from './metrics.js';

/** Answers one request if it can (returns true), else leaves it untouched for fastify (returns false). */
export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

interface DocumentKind {
  readonly path: string;
  /** The fastify route the same answer has (metrics label). */
  readonly route: string;
  readonly pick: (documents: IssuerDocuments) => ServedDocument;
  /** [GET 200, GET 304, HEAD 200, HEAD 304], made on first use so unused series never appear. */
  readonly tallies: Array<RequestTally | undefined>;
}

/**
 * Discovery and JWKS of warm tenants straight from their prebuilt bytes, before fastify's routing, hooks
 * and serialization: these are the documents AWS STS and every verifier fetch, and they are immutable
 * between key changes. The answer is the one the fastify routes in routes/issuer_public.ts give (same
 * status, headers and bytes); anything else — other paths and methods, cold or unknown tenants, tenant
 * segments that are not plain ids, a closing server — returns false and fastify answers it.
 * Requests are counted in `rolebridge_http_requests_total` under the fastify route; being answered in
 * microseconds, they are not observed in the duration histogram.
 */
export function issuerDocumentsFastPath(options: {
  issuer: Issuer;
  metrics: Metrics;
  requestId: (header: string | string[] | undefined) => string;
  isClosing: () => boolean;
}): FastPath {
  const { issuer, metrics, requestId, isClosing } = options;
  const urls = issuer.issuerUrls;
  const kinds: DocumentKind[] = [
    { path: DISCOVERY_PATH, route: `${urls.routePrefix}${DISCOVERY_PATH}`, pick: (d) => d.discovery, tallies: [] },
    { path: JWKS_PATH, route: `${urls.routePrefix}${JWKS_PATH}`, pick: (d) => d.jwks, tallies: [] },
  ];

  function tally(kind: DocumentKind, method: string, status: 200 | 304): RequestTally {
    const index = (method === 'HEAD' ? 2 : 0) + (status === 304 ? 1 : 0);
    return (kind.tallies[index] ??= metrics.requestTally(method, kind.route, status));
  }

  /** The kind of document a path (no query) names, or undefined. */
  function kindOf(path: string, from: number): DocumentKind | undefined {
    for (const kind of kinds) {
      if (path.length - from === kind.path.length && path.startsWith(kind.path, from)) return kind;
    }
    return undefined;
  }

  // Path mode: `{before}{tenant}{after}{document}`, the tenant being one whole segment.
  const [before = '', after = ''] = urls.routePrefix.split(':tenant');
  function tenantAndKind(request: IncomingMessage, path: string): [string, DocumentKind] | undefined {
    if (urls.mode === 'host') {
      if (!path.startsWith(urls.routePrefix)) return undefined;
      const kind = kindOf(path, urls.routePrefix.length);
      const tenant = kind && urls.tenantFromHost(request.headers.host);
      return tenant === undefined || kind === undefined ? undefined : [tenant, kind];
    }
    if (!path.startsWith(before)) return undefined;
    const end = path.indexOf('/', before.length);
    if (end < 0 || !path.startsWith(after, end)) return undefined;
    const kind = kindOf(path, end + after.length);
    if (!kind) return undefined;
    const tenant = path.slice(before.length, end);
    // Ids only: fastify would percent-decode anything else, and its answer stays the reference.
    return isTenantId(tenant) ? [tenant, kind] : undefined;
  }

  return (request, response) => {
    const method = request.method;
    if ((method !== 'GET' && method !== 'HEAD') || request.url === undefined) return false;
    const query = request.url.indexOf('?');
    const path = query < 0 ? request.url : request.url.slice(0, query);
    const found = tenantAndKind(request, path);
    if (!found) return false;
    const documents = issuer.cachedDocuments(found[0]);
    if (!documents || isClosing()) return false;
    const kind = found[1];
    const document = kind.pick(documents);
    const id = requestId(request.headers['x-request-id']);
    if (etagMatches(request.headers['if-none-match'], document.etag)) {
      // As fastify does: a HEAD 304 states a zero length, a GET 304 none.
      response.writeHead(
        304,
        method === 'HEAD'
          ? ['x-request-id', id, 'cache-control', document.cacheControl, 'etag', document.etag, 'content-length', '0']
          : ['x-request-id', id, 'cache-control', document.cacheControl, 'etag', document.etag],
      );
      response.end();
      tally(kind, method, 304).count++;
      return true;
    }
    response.writeHead(200, [
      'x-request-id',
      id,
      'cache-control',
      document.cacheControl,
      'etag',
      document.etag,
      'content-type',
      'application/json',
      'content-length',
      document.contentLength,
    ]);
    if (method === 'HEAD') response.end();
    else response.end(document.body);
    tally(kind, method, 200).count++;
    return true;
  };
}
