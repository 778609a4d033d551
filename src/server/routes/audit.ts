import type { FastifyInstance } from 'fastify';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

const auditEventSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    occurredAt: { type: 'string', format: 'date-time' },
    tenantId: { type: ['string', 'null'] },
    actor: {
      description: 'Who: `admin:<API key id>`, `workload:<id>`, `setup:<code id>`, `system:<job>`, or an IdP user `{type: "user", sub, email?, issuer}`',
      anyOf: [
        { type: 'string' },
        {
          type: 'object',
          required: ['type', 'sub', 'issuer'],
          properties: { type: { type: 'string', enum: ['user'] }, sub: { type: 'string' }, email: { type: 'string' }, issuer: { type: 'string' } },
        },
      ],
    },
    action: { type: 'string' },
    target: { type: ['string', 'null'] },
    outcome: { type: 'string', enum: ['success', 'failure'] },
    requestId: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

/** `GET /api/v1/tenants/{tenant}/audit`: the tenant's audit log, oldest first, paged with `after`. */
export function registerAuditRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { tenant: string }; Querystring: { after?: string; limit?: number; action?: string } }>(
    '/api/v1/tenants/:tenant/audit',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEvents',
        summary: "The tenant's audit events, oldest first",
        security: [{ adminToken: [] }],
        params: { type: 'object', properties: { tenant: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' } }, required: ['tenant'] },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', maxLength: 64, description: 'Return events after this event id' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            action: { type: 'string', maxLength: 100 },
          },
        },
        response: {
          200: { type: 'object', properties: { events: { type: 'array', items: auditEventSchema } } },
          401: errorResponseSchema,
          403: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { after, limit, action } = request.query;
      const events = await ctx.audit.list({
        tenantId: request.params.tenant,
        ...(after === undefined ? {} : { after }),
        ...(limit === undefined ? {} : { limit }),
        ...(action === undefined ? {} : { action }),
      });
      return { events };
    },
  );
}
