import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { isRolebridgeError, type ErrorCode } from '../core/index.js';
import type { ServerDeps } from './deps.js';
import { installErrorEnvelope } from './error_envelope.js';
import { issuerDocumentsFastPath } from './issuer_documents_fast_path.js';
import { lazyRequestLoggerFactory } from './lazy_request_logger.js';
import { installOpenApi } from './openapi.js';
import { authenticateFirst } from './authenticate_first.js';
import { clientErrorEnvelope } from './client_error_envelope.js';
import { AuthenticationFailures } from './authentication_failures.js';
import { refuseNulInUrl, refuseUnsafeBody } from './request_text_limits.js';
import { readinessSchema } from './routes/health.js';
import { routeRegistrations } from './routes/index.js';
import { installWebConsole } from './web_console.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Skip the per-request log line (hot or noisy routes: token, credentials, JWKS, health). */
    quiet?: boolean;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's `x-request-id` when it is a safe value, else a fresh one. */
function requestIdFrom(given: string | string[] | undefined): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Builds the HTTP server (not listening yet). */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Our own onResponse hook logs requests (quietly for the hot routes); fastify's per-request lines are off.
    logController: new LogController({ disableRequestLogging: true }),
    // request.log is made when a line is written, not for every request (the hot routes rarely log).
    childLoggerFactory: lazyRequestLoggerFactory,
    bodyLimit: 256 * 1024,
    // Longer path parameters reach the route (authentication first, then the schema's 400 envelope) instead of
    // fastify's bare 414 from the router. Set under routerOptions: the top-level option warns FSTDEP022 at every start.
    routerOptions: { maxParamLength: 2048 },
    clientErrorHandler: clientErrorEnvelope,
    // Errors fastify raises before routing (a malformed URL, a path segment past maxParamLength) wear the envelope too.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as unknown as { status(code: number): { send(body: unknown): unknown } })
        .status(tooLong ? 414 : 400)
        .send({ error: { code: (tooLong ? 'path_parameter_too_long' : 'invalid_url') satisfies ErrorCode, message: tooLong ? 'A path segment is too long.' : 'The URL is malformed.' } });
    },
    requestIdHeader: false, // genReqId reads x-request-id itself, accepting only safe values
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    return503OnClosing: true,
  });

  installIssuerDocumentsFastPath(app, deps);
  installErrorEnvelope(app);
  app.addSchema(readinessSchema);
  // The API speaks JSON only: a text/plain body is a 415 with our code, not a string the schema then refuses.
  app.removeContentTypeParser('text/plain');

  // Callback hooks, a plain request tally and cached histogram children: these run on every request,
  // including the hot token and credentials routes, so they allocate no promise.
  const durations = new Map<string, { observe(value: number): void }>();
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // After authentication (route onRequest guards), before the schema: NUL bytes and runaway nesting are a 400.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      refuseNulInUrl(request);
      refuseUnsafeBody(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    const status = reply.statusCode;
    deps.metrics.requestTally(method, route, status).count++;
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

  // Every refused credential is counted and (rate-limited) audited; the credential itself never is.
  const authenticationFailures = new AuthenticationFailures({
    audit: deps.audit,
    registry: deps.metrics.registry,
    now: deps.now,
    onError: (error) => deps.logger.error({ err: error }, 'audit of a failed authentication failed'),
  });
  app.addHook('onError', (request, _reply, error, done) => {
    if (isRolebridgeError(error) && error.status === 401) authenticationFailures.record(request, error.code);
    done();
  });

  await installOpenApi(app);
  app.addHook('onRoute', authenticateFirst);
  await app.register(cookie);
  for (const register of routeRegistrations) await register(app, deps);
  installWebConsole(app);
  return app;
}

/**
 * Puts the issuer documents' fast path in front of fastify's request handler on the server fastify made
 * (keeping fastify's own server set-up: timeouts, extra bindings for `localhost`, closing).
 * `app.inject` does not pass through the server, so injected requests always take the fastify routes.
 */
function installIssuerDocumentsFastPath(app: FastifyInstance, deps: ServerDeps): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true; // fastify answers 503 while closing
    done();
  });
  const fastPath = issuerDocumentsFastPath({ issuer: deps.issuer, metrics: deps.metrics, requestId: requestIdFrom, isClosing: () => closing });
  const server = app.server;
  const handlers = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  const [fastify] = handlers;
  if (handlers.length !== 1 || !fastify) return; // not the plain node:http server fastify makes: no fast path
  server.removeListener('request', fastify);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!fastPath(request, response)) fastify(request, response);
  });
}
