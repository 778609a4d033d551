import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import { tenantParams, tenantSchema } from './issuer_schemas.js';
import type { RouteContext } from './route_context.js';

/**
 * `POST /api/v1/tenants` (creates the tenant and its first signing keys), `GET /api/v1/tenants` (the list)
 * and `GET /api/v1/tenants/{tenant}`.
 */
export function registerTenantRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Body: { id: string; name: string; signingAlgorithm?: 'ES256' | 'RS256' } }>(
    '/api/v1/tenants',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'createTenant',
        summary: 'Create a tenant (its issuer and first signing keys)',
        security: [{ adminToken: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'name'],
          properties: {
            id: { type: 'string', maxLength: 100, description: 'Immutable: 3–63 of [a-z0-9-], no leading or trailing hyphen' },
            name: { type: 'string', maxLength: 400 },
            signingAlgorithm: { type: 'string', enum: ['ES256', 'RS256'], default: 'ES256' },
          },
        },
        response: { 201: tenantSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const tenant = await ctx.issuer.createTenant(request.body, actorOf(request), request.id);
      return reply.status(201).send(tenant);
    },
  );

  app.get(
    '/api/v1/tenants',
    {
      preHandler: ctx.auth.requireOperator,
      schema: {
        tags: ['tenants'],
        operationId: 'listTenants',
        summary: 'The tenants this API key may see (a tenant-scoped key sees its own)',
        security: [{ adminToken: [] }],
        response: {
          200: { type: 'object', required: ['tenants'], properties: { tenants: { type: 'array', items: tenantSchema } } },
          401: errorResponseSchema,
          403: errorResponseSchema,
        },
      },
    },
    async (request) => {
      // Any operator may ask; a caller whose roles are all tenant-limited sees only those tenants.
      const principal = request.principal;
      const grants = principal?.kind === 'operator' ? principal.operator.grants : [];
      const tenants = await ctx.issuer.listTenants();
      if (grants.some((grant) => grant.tenant === undefined)) return { tenants };
      const mine = new Set(grants.map((grant) => grant.tenant));
      return { tenants: tenants.filter((tenant) => mine.has(tenant.id)) };
    },
  );

  app.get<{ Params: { tenant: string } }>(
    '/api/v1/tenants/:tenant',
    {
      preHandler: ctx.auth.requireAdminOrSetup(),
      schema: {
        tags: ['tenants'],
        operationId: 'getTenant',
        summary: 'A tenant and its issuer URL',
        security: [{ adminToken: [] }, { setupSession: [] }],
        params: tenantParams,
        response: { 200: tenantSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => ctx.issuer.getTenant(request.params.tenant),
  );
}
