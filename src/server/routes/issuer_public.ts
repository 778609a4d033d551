import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/index.js';
import { DISCOVERY_PATH, etagMatches, JWKS_PATH, type IssuerDocuments, type ServedDocument } from '../../issuer/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

/**
 * The public OIDC documents of every tenant: with a path template at `/t/{tenant}/.well-known/…`, with a
 * host template at `/.well-known/…` on the tenant's host. Bytes, ETag and Cache-Control are prebuilt.
 */
export function registerIssuerPublicRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const urls = ctx.issuer.issuerUrls;

  function send(request: FastifyRequest, reply: FastifyReply, document: ServedDocument): FastifyReply {
    reply.headers({ 'cache-control': document.cacheControl, etag: document.etag });
    if (etagMatches(request.headers['if-none-match'], document.etag)) return reply.status(304).send();
    return reply.header('content-type', 'application/json').send(document.body);
  }

  function tenantOf(request: FastifyRequest): string {
    const tenant = urls.mode === 'path' ? (request.params as { tenant?: string }).tenant : urls.tenantFromHost(request.headers.host);
    if (tenant === undefined) throw new NotFoundError('tenant_not_found', 'This host is not a tenant issuer.');
    return tenant;
  }

  /** Warm tenants are answered synchronously from memory; a cold one is loaded (or is a 404) first. */
  function serve(pick: (documents: IssuerDocuments) => ServedDocument) {
    return (request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<FastifyReply> => {
      const tenant = tenantOf(request);
      const warm = ctx.issuer.cachedDocuments(tenant);
      if (warm) return send(request, reply, pick(warm));
      return ctx.issuer.documents(tenant).then((documents) => send(request, reply, pick(documents)));
    };
  }

  const params =
    urls.mode === 'path'
      ? { type: 'object', required: ['tenant'], properties: { tenant: { type: 'string', maxLength: 63 } } }
      : { type: 'object', properties: {} };
  const documentResponse = (description: string) => ({
    200: { description, type: 'object', additionalProperties: true },
    304: { description: 'Not modified (If-None-Match matched the ETag)', type: 'null' },
    404: errorResponseSchema,
  });

  app.get(
    `${urls.routePrefix}${DISCOVERY_PATH}`,
    {
      config: { quiet: true },
      schema: {
        operationId: 'getOpenIdConfiguration',
        security: [],
        tags: ['issuer'],
        summary: 'OpenID Connect discovery document of a tenant issuer',
        params,
        response: documentResponse('Discovery'),
      },
    },
    serve((documents) => documents.discovery),
  );

  app.get(
    `${urls.routePrefix}${JWKS_PATH}`,
    {
      config: { quiet: true },
      schema: {
        operationId: 'getJwks',
        security: [],
        tags: ['issuer'],
        summary: 'JSON Web Key Set of a tenant issuer (published keys, oldest first)',
        params,
        response: documentResponse('JWKS'),
      },
    },
    serve((documents) => documents.jwks),
  );
}
