import type { FastifyInstance } from 'fastify';
import { RolebridgeError } from '../../core/index.js';
import { workloadOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

/**
 * `POST /api/v1/token` with the workload secret: a JWT from the workload's own tenant issuer. The hot
 * path: authentication and token configs are cached, the signer and the claim fragments are prebuilt,
 * the audit event is buffered, so a warm request reads nothing from the database.
 */
export function registerTokenRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Body: { tokenConfig?: string; audience?: string } | undefined }>(
    '/api/v1/token',
    {
      config: { quiet: true },
      preHandler: ctx.auth.requireWorkload,
      preValidation: (request, _reply, done) => {
        // `curl -X POST` with no body at all means "the defaults", like `{}`.
        if (request.body === undefined || request.body === null) request.body = {};
        // fastify parses text/plain into a string; say which content type we want rather than "must be object".
        if (typeof request.body === 'string') {
          done(new RolebridgeError('unsupported_media_type', 'Send the request body as application/json.', { status: 415 }));
          return;
        }
        done();
      },
      schema: {
        tags: ['workload'],
        operationId: 'issueToken',
        summary: "A token from the workload's tenant issuer",
        description:
          "Without `tokenConfig`, the tenant's config named `default` is used, or its only config. `audience`, when given, must equal the config's audience.",
        security: [{ workloadSecret: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            tokenConfig: { type: 'string', maxLength: 100 },
            audience: { type: 'string', maxLength: 255 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['token', 'expiresAt'],
            properties: { token: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
          },
          400: errorResponseSchema,
          401: errorResponseSchema,
          404: errorResponseSchema,
          413: errorResponseSchema,
          415: errorResponseSchema,
          422: errorResponseSchema,
          503: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { token, expiresAt } = await ctx.issuer.issueToken(workloadOf(request), request.body ?? {}, request.id);
      // Both values are JSON-safe as they are (base64url segments and dots; an ISO date), so the body is
      // concatenated rather than serialized; it has exactly the fields and order of the 200 schema.
      return reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(`{"token":"${token}","expiresAt":"${expiresAt}"}`);
    },
  );
}
