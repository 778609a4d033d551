import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { UnauthenticatedError } from '../../core/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

/** Liveness, readiness (the database and every registered dependency) and Prometheus metrics. */
export function registerHealthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const healthBody = Buffer.from('{"status":"ok"}');
  app.get(
    '/healthz',
    {
      config: { quiet: true },
      schema: {
        operationId: 'getHealth',
        security: [],
        tags: ['health'],
        summary: 'Liveness',
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(healthBody),
  );

  app.get(
    '/readyz',
    {
      config: { quiet: true },
      schema: {
        tags: ['health'],
        operationId: 'getReadiness',
        security: [],
        summary: 'Readiness: the database answers, no dependency is down and the server is not draining',
        response: {
          200: { $ref: 'rolebridge.readiness#' },
          503: { $ref: 'rolebridge.readiness#' },
        },
      },
    },
    async (_request, reply) => {
      const checks = await Promise.all(
        ctx.readiness.map((check) =>
          // A failing check's own error text stays in the logs: /readyz is public.
          check().catch((error: unknown) => {
            ctx.logger.warn({ err: error }, 'readiness check failed');
            return { name: 'check', ok: false };
          }),
        ),
      );
      const ready = checks.every((check) => check.ok);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );

  const metricsBearer = ctx.config.metricsToken === undefined ? undefined : Buffer.from(`Bearer ${ctx.config.metricsToken}`);
  app.get(
    '/metrics',
    {
      config: { quiet: true },
      schema: {
        tags: ['health'],
        operationId: 'getMetrics',
        security: [{}, { metricsToken: [] }],
        summary: 'Prometheus metrics (behind `Authorization: Bearer <ROLEBRIDGE_METRICS_TOKEN>` when that is set)',
        response: { 200: { description: 'Prometheus text exposition format', type: 'string' }, 401: errorResponseSchema },
      },
    },
    async (request, reply) => {
      if (metricsBearer !== undefined) {
        const given = Buffer.from(request.headers.authorization ?? '');
        if (given.length !== metricsBearer.length || !timingSafeEqual(given, metricsBearer)) {
          throw new UnauthenticatedError('unauthenticated', 'Send `Authorization: Bearer <ROLEBRIDGE_METRICS_TOKEN>`.');
        }
      }
      return reply.header('content-type', ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
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
