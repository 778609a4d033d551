import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import { keysResponseSchema, tenantParams } from './issuer_schemas.js';
import type { RouteContext } from './route_context.js';

/** Signing keys: list with ages and states, rotate now, emergency revoke. */
export function registerKeyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const security = [{ adminToken: [] }];

  app.get<{ Params: { tenant: string } }>(
    '/api/v1/tenants/:tenant/keys',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'listSigningKeys',
        summary: "The tenant's signing keys: state (next, active, retired, revoked), whether published, age",
        security,
        params: tenantParams,
        response: { 200: keysResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => ({ keys: await ctx.issuer.listKeys(request.params.tenant) }),
  );

  app.post<{ Params: { tenant: string } }>(
    '/api/v1/tenants/:tenant/keys/rotate',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'rotateSigningKey',
        summary:
          'Promote the pre-published next key now (409 rotation_not_ready while it is younger than one JWKS cache lifetime; ' +
          '409 next_key_not_published while a static publication lacks it; 409 next_key_not_accepted while a connection that accepts the current key refuses a token the next key signs)',
        security,
        params: tenantParams,
        response: { 200: keysResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => ({ keys: await ctx.issuer.rotateKeys(request.params.tenant, actorOf(request), request.id) }),
  );

  app.post<{ Params: { tenant: string; kid: string } }>(
    '/api/v1/tenants/:tenant/keys/:kid/revoke',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'revokeSigningKey',
        summary: 'Emergency revoke: the key leaves the JWKS at once; if it was signing, the next key takes over',
        security,
        params: {
          type: 'object',
          required: ['tenant', 'kid'],
          properties: { tenant: tenantParams.properties.tenant, kid: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        response: { 200: keysResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => ({ keys: await ctx.issuer.revokeKey(request.params.tenant, request.params.kid, actorOf(request), request.id) }),
  );
}
