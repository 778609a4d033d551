import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../access/index.js';
import { UnprocessableError } from '../../core/index.js';
import { DB_ENGINES, DatabaseIamAuthDisabledError, FIELDS_BY_ENGINE, parseDbAuthRequest, REQUIRED_FIELDS_BY_ENGINE } from '../../db_auth/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

const params = {
  type: 'object',
  required: ['tenant', 'connection'],
  properties: { tenant: { type: 'string', maxLength: 63 }, connection: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' } },
} as const;

/**
 * The console's database-auth screen, for operators: `GET …/connections/{c}/db-auth` says whether database IAM auth
 * is on and what each engine asks for; `POST …/db-auth-check` gets a database password for one workload exactly
 * as `POST /api/v1/db-auth-token` would, and answers everything about it but the password itself.
 */
export function registerDbAuthCheckRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { tenant: string; connection: string } }>(
    '/api/v1/tenants/:tenant/connections/:connection/db-auth',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['connections'],
        operationId: 'getConnectionDbAuth',
        summary: "Whether database IAM auth is on (ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH) and the connection's engines with their fields",
        security: [{ adminToken: [] }],
        params,
        response: {
          200: {
            type: 'object',
            required: ['enabled', 'engines'],
            properties: {
              enabled: { type: 'boolean', description: 'false: every db-auth request is refused with 403 feature_disabled' },
              engines: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['engine', 'fields', 'required'],
                  properties: {
                    engine: { type: 'string', enum: [...DB_ENGINES] },
                    fields: { type: 'array', items: { type: 'string' }, description: 'Every field the engine accepts' },
                    required: { type: 'array', items: { type: 'string' }, description: 'The fields it cannot do without' },
                  },
                },
              },
            },
          },
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request) => {
      await ctx.connections.lookup.require(request.params.tenant, request.params.connection);
      return {
        enabled: ctx.config.features.awsDatabaseIamAuth,
        engines: DB_ENGINES.map((engine) => ({ engine, fields: [...FIELDS_BY_ENGINE[engine]], required: [...REQUIRED_FIELDS_BY_ENGINE[engine]] })),
      };
    },
  );

  app.post<{ Params: { tenant: string; connection: string }; Body: { workload: string; engine: string; [field: string]: unknown } }>(
    '/api/v1/tenants/:tenant/connections/:connection/db-auth-check',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['connections'],
        operationId: 'checkConnectionDbAuth',
        summary: "Gets a database password for a workload through the connection's role chain, as the workload would; answers all but the password",
        description:
          'The same request as POST /api/v1/db-auth-token (engine and its fields), for the workload named in `workload`. Nothing secret is ' +
          'returned: the password is replaced by its length; audited as `db_auth.checked`. Errors as db-auth-token, plus 404 `workload_not_found`, 422 `workload_disabled`.',
        security: [{ adminToken: [] }],
        params,
        body: {
          type: 'object',
          required: ['workload', 'engine'],
          properties: {
            workload: { type: 'string', minLength: 1, maxLength: 100, description: 'Workload id whose identity is used' },
            engine: { type: 'string', enum: [...DB_ENGINES] },
            host: { type: 'string' },
            port: { type: 'integer' },
            dbUser: { type: 'string' },
            region: { type: 'string' },
            clusterIdentifier: { type: 'string' },
            dbName: { type: 'string' },
            autoCreate: { type: 'boolean' },
            dbGroups: { type: 'array', items: { type: 'string' } },
            durationSeconds: { type: 'integer' },
            workgroupName: { type: 'string' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['engine', 'username', 'passwordLength', 'expiresAt'],
            properties: {
              engine: { type: 'string', enum: [...DB_ENGINES] },
              username: { type: 'string' },
              passwordLength: { type: 'integer', description: 'Characters of the password the workload would get (the password is never returned here)' },
              expiresAt: { type: 'string', format: 'date-time' },
              host: { type: 'string' },
              port: { type: 'integer' },
            },
          },
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
          422: errorResponseSchema,
          503: errorResponseSchema,
        },
      },
    },
    async (request) => {
      // After authentication (unlike the workload's route): only an operator who may test learns the flag from here.
      if (!ctx.config.features.awsDatabaseIamAuth) throw new DatabaseIamAuthDisabledError();
      const { tenant, connection: name } = request.params;
      const { workload: workloadId, ...rest } = request.body;
      const { request: dbRequest } = parseDbAuthRequest({ ...rest, connection: name });
      const workload = await ctx.issuer.requireWorkload(tenant, workloadId);
      if (workload.disabledAt !== null) throw new UnprocessableError('workload_disabled', `Workload ${workloadId} is disabled: it gets no credentials.`, { workload: workloadId });
      const connection = await ctx.connections.lookup.require(tenant, name);
      const { credentials } = await ctx.dbAuth.issue(workload, connection, dbRequest);
      // An operator got a database password as a workload: who, as whom, for what (never the password).
      await ctx.audit.record({
        tenantId: tenant,
        actor: actorOf(request),
        action: 'db_auth.checked',
        target: name,
        requestId: request.id,
        details: { workload: workloadId, engine: credentials.engine, username: credentials.username },
      });
      return {
        engine: credentials.engine,
        username: credentials.username,
        passwordLength: credentials.password.length,
        expiresAt: new Date(credentials.expiresAt).toISOString(),
        ...(credentials.host === undefined ? {} : { host: credentials.host }),
        ...(credentials.port === undefined ? {} : { port: credentials.port }),
      };
    },
  );
}
