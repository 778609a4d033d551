import type { FastifyInstance } from 'fastify';
import type { ApiKeyRecord, ApiKeyRole } from '../../store/index.js';
import { actorOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

const apiKeySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: ['admin', 'operator', 'viewer'] },
    tenant: { type: ['string', 'null'], description: 'null: every tenant' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

function view(key: ApiKeyRecord): Record<string, unknown> {
  return { id: key.id, name: key.name, role: key.role, tenant: key.tenantId, createdAt: key.createdAt, revokedAt: key.revokedAt };
}

/**
 * API keys beyond the bootstrap one, with the operator roles of src/access's permission table (`viewer` reads,
 * `operator` also tests and rotates, `admin` changes), each optionally limited to one tenant. Only a global
 * admin may manage keys. The key itself is shown once.
 */
export function registerApiKeyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const security = [{ adminToken: [] }];
  app.post<{ Body: { name: string; role: ApiKeyRole; tenant?: string } }>(
    '/api/v1/api-keys',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'createApiKey',
        summary: 'Issue an API key (shown once): role admin, operator or viewer, optionally limited to one tenant',
        security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'role'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            role: { type: 'string', enum: ['admin', 'operator', 'viewer'] },
            tenant: { type: 'string', pattern: '^[a-z0-9-]{3,63}$' },
          },
        },
        response: {
          201: { ...apiKeySchema, properties: { ...apiKeySchema.properties, token: { type: 'string', description: 'The key: shown only now' } } },
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { key, token } = await ctx.apiKeys.issue(request.body, { actor: actorOf(request), requestId: request.id });
      return reply.status(201).header('cache-control', 'no-store').send({ ...view(key), token });
    },
  );

  app.get(
    '/api/v1/api-keys',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'listApiKeys',
        summary: 'Admin API keys (never the keys themselves)',
        security,
        response: { 200: { type: 'object', properties: { apiKeys: { type: 'array', items: apiKeySchema } } }, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async () => ({ apiKeys: (await ctx.apiKeys.list()).map(view) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/api-keys/:id',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'revokeApiKey',
        summary: 'Revoke an admin API key at once (the last key that administers every tenant cannot be revoked)',
        security,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } },
        response: { 200: apiKeySchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => view(await ctx.apiKeys.revoke(request.params.id, { actor: actorOf(request), requestId: request.id })),
  );
}
