import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ConflictError, NotFoundError } from '../../core/index.js';
import { hashSecret, type ApiKeyRecord, type ApiKeyRole } from '../../store/index.js';
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
      const { name, role, tenant } = request.body;
      if (tenant !== undefined && !(await ctx.store.tenants.find(tenant))) {
        throw new NotFoundError('tenant_not_found', `No tenant ${tenant}.`, { tenant });
      }
      const token = `rb_${role === 'viewer' ? 'view' : role}_${randomBytes(32).toString('base64url')}`;
      const key: ApiKeyRecord = {
        id: `key-${randomBytes(8).toString('hex')}`,
        tenantId: tenant ?? null,
        name,
        role,
        secretHash: hashSecret(token),
        createdAt: new Date(ctx.now()).toISOString(),
        revokedAt: null,
      };
      await ctx.store.transaction(async (tx) => {
        await tx.apiKeys.insert(key);
        await tx.audit.record({
          tenantId: key.tenantId,
          actor: actorOf(request),
          action: 'api_key.created',
          target: key.id,
          requestId: request.id,
          details: { name, role, tenant: key.tenantId },
        });
      });
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
    async () => ({ apiKeys: (await ctx.store.apiKeys.list()).map(view) }),
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
    async (request) => {
      const key = await ctx.store.apiKeys.find(request.params.id);
      if (!key) throw new NotFoundError('api_key_not_found', `No API key ${request.params.id}.`, { id: request.params.id });
      if (key.revokedAt !== null) return view(key);
      if (key.role === 'admin' && key.tenantId === null && (await ctx.store.apiKeys.countActiveGlobalAdmins()) <= 1) {
        throw new ConflictError('last_admin_key', 'This is the last admin key for every tenant; issue another before revoking it.', { id: key.id });
      }
      const revokedAt = new Date(ctx.now()).toISOString();
      await ctx.store.transaction(async (tx) => {
        await tx.apiKeys.revoke(key.id, revokedAt);
        await tx.audit.record({ tenantId: key.tenantId, actor: actorOf(request), action: 'api_key.revoked', target: key.id, requestId: request.id, details: { name: key.name } });
      });
      // Revocation takes effect at once on this replica (others within the authenticator's cache lifetime).
      ctx.auth.invalidate();
      return view({ ...key, revokedAt });
    },
  );
}
