import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import { tenantParams, workloadSchema } from './issuer_schemas.js';
import type { RouteContext } from './route_context.js';

const createdWorkloadSchema = {
  ...workloadSchema,
  required: [...workloadSchema.required, 'secret'],
  properties: {
    ...workloadSchema.properties,
    secret: { type: 'string', description: 'The workload secret: shown once, stored only as a hash' },
  },
} as const;

/** `POST|GET /api/v1/tenants/{tenant}/workloads`. */
export function registerWorkloadRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { tenant: string }; Body: { deployment: string; component: string; region?: string | null } }>(
    '/api/v1/tenants/:tenant/workloads',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'createWorkload',
        summary: 'Create a workload; the response carries its secret, once',
        security: [{ adminToken: [] }],
        params: tenantParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['deployment', 'component'],
          properties: {
            deployment: { type: 'string', maxLength: 100, description: '1–64 of [A-Za-z0-9._-]; immutable' },
            component: { type: 'string', maxLength: 100, description: '1–64 of [A-Za-z0-9._-]; immutable' },
            region: { type: ['string', 'null'], maxLength: 100, description: '1–64 of [A-Za-z0-9._-]; immutable' },
          },
        },
        response: { 201: createdWorkloadSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const workload = await ctx.issuer.createWorkload(request.params.tenant, request.body, actorOf(request), request.id);
      // The answer carries the workload secret: no cache may keep it.
      return reply.status(201).header('cache-control', 'no-store').send(workload);
    },
  );

  app.get<{ Params: { tenant: string } }>(
    '/api/v1/tenants/:tenant/workloads',
    {
      preHandler: ctx.auth.requireAdminOrSetup(),
      schema: {
        tags: ['tenants'],
        operationId: 'listWorkloads',
        summary: "The tenant's workloads (never their secrets)",
        security: [{ adminToken: [] }, { setupSession: [] }],
        params: tenantParams,
        response: {
          200: { type: 'object', properties: { workloads: { type: 'array', items: workloadSchema } } },
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request) => ({ workloads: await ctx.issuer.listWorkloads(request.params.tenant) }),
  );

  app.post<{ Params: { tenant: string; workload: string } }>(
    '/api/v1/tenants/:tenant/workloads/:workload/disable',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'disableWorkload',
        summary: 'Disable a workload: its secret stops working at once (tokens and credentials already issued live until they expire)',
        security: [{ adminToken: [] }],
        params: {
          type: 'object',
          required: ['tenant', 'workload'],
          properties: { ...tenantParams.properties, workload: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        response: { 200: workloadSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const workload = await ctx.issuer.disableWorkload(request.params.tenant, request.params.workload, actorOf(request), request.id);
      ctx.auth.invalidate(); // the authenticator's short cache must not admit the secret any longer
      return workload;
    },
  );
}
