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
  // The API speaks JSON only: a text/plain body is a 415 with our code, not a string the schema then refuses.
  app.removeContentTypeParser('text/plain');

  // Callback hooks and cached metric children: these run on every request, including the hot token,
  // credentials and JWKS routes, so they allocate no promise and hash no label set.
  const requestCounters = new Map<string, { inc(): void }>();
  const durations = new Map<string, { observe(value: number): void }>();
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    const status = reply.statusCode;
    const counterKey = `${method} ${route} ${status}`;
    let counter = requestCounters.get(counterKey);
    if (!counter) {
      counter = deps.metrics.httpRequests.labels({ method, route, status: String(status) });
      requestCounters.set(counterKey, counter);
    }
    counter.inc();
    const durationKey = `${method} ${route}`;
    let duration = durations.get(durationKey);
    if (!duration) {
      duration = deps.metrics.httpDuration.labels({ method, route });
      durations.set(durationKey, duration);
    }
    duration.observe(reply.elapsedTime / 1000);
    if (!request.routeOptions.config?.quiet || status >= 500) {
      request.log.info({ method, route, status, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
    done();
  });

  await installOpenApi(app);
  const ctx: RouteContext = { ...deps, auth: new Authenticator(deps.store, deps.now) };
  for (const register of routeRegistrations) await register(app, ctx);
  return app;
}
