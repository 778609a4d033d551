import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Authenticator } from './authentication.js';
import type { ServerDeps } from './deps.js';
import { installErrorEnvelope } from './error_envelope.js';
import { installOpenApi } from './openapi.js';
import { readinessSchema } from './routes/health.js';
import { routeRegistrations } from './routes/index.js';
import type { RouteContext } from './routes/route_context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Skip the per-request log line (hot or noisy routes: token, credentials, JWKS, health). */
    quiet?: boolean;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Builds the HTTP server (not listening yet). */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    disableRequestLogging: true,
    bodyLimit: 256 * 1024,
    requestIdHeader: false, // genReqId reads x-request-id itself, accepting only safe values
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    return503OnClosing: true,
  });

  installErrorEnvelope(app);
  app.addSchema(readinessSchema);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    deps.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (!request.routeOptions.config?.quiet || reply.statusCode >= 500) {
      request.log.info(
        { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
        'request',
      );
    }
  });

  await installOpenApi(app);
  const ctx: RouteContext = { ...deps, auth: new Authenticator(deps.store, deps.now) };
  for (const register of routeRegistrations) await register(app, ctx);
  return app;
}
