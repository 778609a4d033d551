import type { FastifyInstance } from 'fastify';
import { PERMISSIONS, permissionsOf } from '../../access/index.js';
import { UnauthenticatedError } from '../../core/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

/**
 * `GET /api/v1/me`: who the caller is and what its roles let it do, so the console and the CLI show what a
 * role cannot do instead of failing late. Any operator credential (API key, IdP token, session) may ask.
 */
export function registerMeRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/v1/me',
    {
      preHandler: ctx.auth.requireOperator,
      schema: {
        tags: ['access'],
        operationId: 'getMe',
        summary: 'The caller: actor, roles (global or per tenant) and the permissions they hold',
        security: [{ adminToken: [] }],
        response: {
          200: {
            type: 'object',
            required: ['actor', 'roles', 'permissions'],
            properties: {
              actor: {
                type: 'object',
                description: '`{type: "user", sub, email?, issuer}` for an IdP user, `{type: "api_key", id}` for an API key',
                properties: {
                  type: { type: 'string', enum: ['user', 'api_key'] },
                  sub: { type: 'string' },
                  email: { type: 'string' },
                  issuer: { type: 'string' },
                  id: { type: 'string' },
                },
              },
              roles: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['role'],
                  properties: { role: { type: 'string', enum: ['viewer', 'operator', 'admin'] }, tenant: { type: 'string', description: 'absent: every tenant' } },
                },
              },
              permissions: {
                type: 'array',
                description: 'Every permission a role holds somewhere; a tenant-limited role holds it only in its tenant',
                items: { type: 'string', enum: [...PERMISSIONS] },
              },
            },
          },
          401: errorResponseSchema,
          403: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (principal?.kind !== 'operator') throw new UnauthenticatedError();
      const { actor, grants } = principal.operator;
      return { actor, roles: grants, permissions: permissionsOf(grants) };
    },
  );
}
