import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './route_context.js';

/** Liveness, readiness (the database and every registered dependency) and Prometheus metrics. */
export function registerHealthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const healthBody = Buffer.from('{"status":"ok"}');
  app.get(
    '/healthz',
    {
      config: { quiet: true },
      schema: { tags: ['health'], summary: 'Liveness', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } },
    },
    async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(healthBody),
  );

  app.get(
    '/readyz',
    {
      config: { quiet: true },
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers and no dependency is down',
        response: {
          200: { $ref: 'rolebridge.readiness#' },
          503: { $ref: 'rolebridge.readiness#' },
        },
      },
    },
    async (_request, reply) => {
      const checks = await Promise.all([
        ctx.store.ping().then(
          () => ({ name: 'database', ok: true }),
          () => ({ name: 'database', ok: false, detail: { dialect: ctx.store.dialect } }),
        ),
        ...ctx.readiness.map((check) =>
          check().catch((error: unknown) => ({ name: 'check', ok: false, detail: { error: (error as Error).message } })),
        ),
      ]);
      const ready = checks.every((check) => check.ok);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );

  app.get('/metrics', { config: { quiet: true }, schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_request, reply) =>
    reply.header('content-type', ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );
}

export const readinessSchema = {
  $id: 'rolebridge.readiness',
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          ok: { type: 'boolean' },
          degraded: { type: 'boolean' },
          detail: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const;
