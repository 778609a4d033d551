import type { FastifyError, FastifyInstance } from 'fastify';
import { isRolebridgeError, type ErrorCode } from '../core/index.js';

/** The one error shape of the HTTP API (CONTRACT.md). */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable snake_case code to match on.' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

/** Fastify's own errors for malformed requests, mapped to our stable codes. */
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the request body as application/json.' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the request body as application/json.' },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the request body as application/json.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length', message: 'Content-Length does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The body is empty but Content-Type is application/json.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' },
};

/** The envelope for what the server refuses itself (a RolebridgeError renders its own: `toJSON`). */
function body(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Socket errors, and PostgreSQL's connection-exception (08…) and shutdown (57P01–57P03) classes. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);

function isDatabaseUnreachable(error: { code?: unknown; message?: unknown }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (UNREACHABLE_CODES.has(code) || code.startsWith('08')) return true;
  return typeof error.message === 'string' && /^Connection terminated/.test(error.message);
}

/** Every error leaves as the envelope; unexpected ones are logged and answered as a bare 500. */
export function installErrorEnvelope(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isRolebridgeError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      const shown = error.expose ? { error: error.toJSON() } : body('internal_error', 'Internal error.');
      return reply.status(error.status).send(shown);
    }
    if (error.validation) {
      const errors = error.validation.map((issue) => ({
        path: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`,
        message: issue.message ?? 'is invalid',
        ...(issue.params && Object.keys(issue.params).length > 0 ? { params: issue.params } : {}),
      }));
      const first = errors[0];
      const message = first ? `${first.path} ${first.message}` : 'The request is invalid.';
      return reply.status(400).send(body('invalid_request', message, { errors }));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.status(known.status).send(body(known.code, known.message ?? error.message));
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(body('bad_request', error.message));
    }
    if (isDatabaseUnreachable(error)) {
      // Not this request's fault and not a bug: say so, so clients and load balancers retry elsewhere.
      request.log.warn({ err: error }, 'the database is unreachable');
      return reply.status(503).send(body('database_unavailable', 'The database is unreachable; retry shortly.'));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send(body('internal_error', 'Internal error.'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(body('route_not_found', `No route ${request.method} ${request.url.split('?')[0]}.`)),
  );
}
