import type { FastifyInstance } from 'fastify';
import type { ConnectionInput } from '../../connections/index.js';
import { actorOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

const tenantParams = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' } },
} as const;

const connectionParams = {
  type: 'object',
  required: ['tenant', 'connection'],
  properties: { tenant: tenantParams.properties.tenant, connection: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' } },
} as const;

const hopSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['roleArn'],
  properties: {
    roleArn: { type: 'string', maxLength: 2048, description: 'The role to AssumeRole into, signed with the previous step\'s session' },
    externalId: { type: 'string', maxLength: 1224, description: '2–1224 of [\\w+=,.@:/-]; required by many third-party trust policies' },
    sessionName: { type: 'string', maxLength: 64, description: 'Defaults to the web-identity session name (rb-<workload>-<jti>)' },
    durationSeconds: { type: 'integer', description: '900–3600: AWS caps chained sessions at one hour' },
  },
} as const;

const connectionSchema = {
  type: 'object',
  required: ['name', 'roleArn', 'region', 'tokenConfig', 'chain'],
  properties: {
    name: { type: 'string' },
    roleArn: { type: 'string' },
    region: { type: 'string' },
    tokenConfig: { type: 'string' },
    chain: { type: 'array', items: hopSchema },
    durationSeconds: { type: ['integer', 'null'] },
    sessionPolicy: { type: ['object', 'null'], additionalProperties: true },
    verified: { type: 'boolean' },
    verifiedWithWorkload: { type: ['string', 'null'] },
    verifiedAt: { type: ['string', 'null'], format: 'date-time' },
    scope: { type: ['string', 'null'], description: 'The scope the connection serves (canonical); null: any workload of the tenant' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const createdConnectionSchema = {
  ...connectionSchema,
  properties: {
    ...connectionSchema.properties,
    verification: {
      type: ['object', 'null'],
      description: 'The exchange proven before saving (no credentials), null with verify: false',
      properties: {
        attempts: { type: 'integer' },
        jti: { type: 'string' },
        workload: { type: 'string', description: 'The workload whose token proved the exchange' },
        steps: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              operation: { type: 'string' },
              roleArn: { type: 'string' },
              sessionName: { type: 'string' },
              assumedRoleArn: { type: 'string' },
              expiresAt: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
  },
} as const;

/** `POST|GET /api/v1/tenants/{tenant}/connections`, `GET|DELETE …/connections/{connection}`. */
export function registerConnectionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { tenant: string }; Body: ConnectionInput }>(
    '/api/v1/tenants/:tenant/connections',
    {
      preHandler: ctx.auth.requireAdminOrSetup({
        tokenConfig: (request) => (request.body as ConnectionInput).tokenConfig,
        connection: (request) => (request.body as ConnectionInput).name,
        scope: (request) => (request.body as ConnectionInput).scope,
      }),
      schema: {
        tags: ['connections'],
        operationId: 'createConnection',
        summary: 'Bind a role (and optional AssumeRole hops); verified with a real exchange before it is saved',
        description:
          'Unless `verify` is false, the server mints a token for a workload of the tenant, runs AssumeRoleWithWebIdentity and every hop, ' +
          'retrying briefly while IAM changes propagate, and answers 422 `role_not_assumable` with STS\'s code and message when the role cannot be assumed. ' +
          'Trust policies pin the token subject, so the token is the named `workload`\'s or, when none is named, that of the tenant\'s ' +
          'workloads (oldest first, at most 5; only those in `scope` when the connection names one) the role admits first; with none to try, 422 `no_workload_to_verify`. ' +
          'A `scope` the token config\'s subject template cannot express is 400 (`scope_not_in_template`, `scope_not_expressible`). ' +
          '`verify: false` is recorded in the audit log. ' +
          'Only ARNs, ids and settings are stored; AWS credentials never are.',
        security: [{ adminToken: [] }, { setupSession: [] }],
        params: tenantParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'roleArn', 'region', 'tokenConfig'],
          properties: {
            name: { type: 'string', maxLength: 63, description: '[a-z0-9-], unique in the tenant' },
            roleArn: { type: 'string', maxLength: 2048, description: 'arn:aws:iam::<account>:role/<name>, assumed with the web-identity token' },
            region: { type: 'string', maxLength: 32 },
            tokenConfig: { type: 'string', maxLength: 63 },
            chain: { type: 'array', maxItems: 5, items: hopSchema },
            durationSeconds: { type: 'integer', description: 'Web-identity session, 900–43200' },
            sessionPolicy: { anyOf: [{ type: 'object' }, { type: 'string' }], description: 'Session policy (document or JSON text) applied to the last step' },
            verify: { type: 'boolean', default: true },
            workload: { type: 'string', maxLength: 100, description: 'The workload whose token verifies the connection (default: the first of the tenant\'s workloads in the scope the role admits)' },
            scope: {
              type: 'string',
              maxLength: 200,
              description:
                'The scope the connection serves: workload:<id> | tenant | any comma-joined combination of deployment:<d>, component:<c>, region:<r>. ' +
                'Verification mints for a workload in it; workloads outside it get 403 `workload_outside_connection_scope`; the doctor fails a role that admits workloads outside it.',
            },
          },
        },
        response: {
          201: createdConnectionSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
          409: errorResponseSchema,
          422: errorResponseSchema,
          503: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const created = await ctx.connections.create(request.params.tenant, request.body, {
        actor: actorOf(request),
        requestId: request.id,
      });
      const verification = created.verification && {
        attempts: created.verification.attempts,
        jti: created.verification.jti,
        workload: created.verification.workload.id,
        steps: created.verification.steps.map((step) => ({ ...step, expiresAt: new Date(step.expiresAt).toISOString() })),
      };
      return reply.status(201).send({ ...created.connection, verification });
    },
  );

  app.get<{ Params: { tenant: string } }>(
    '/api/v1/tenants/:tenant/connections',
    {
      preHandler: ctx.auth.requireAdminOrSetup(),
      schema: {
        tags: ['connections'],
        operationId: 'listConnections',
        summary: "The tenant's connections",
        description: 'A set-up session sees only the connections of its own token config (and only its pinned connection, when it has one).',
        security: [{ adminToken: [] }, { setupSession: [] }],
        params: tenantParams,
        response: {
          200: { type: 'object', properties: { connections: { type: 'array', items: connectionSchema } } },
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const all = await ctx.connections.list(request.params.tenant);
      // A set-up session sees only what set-up needs: its own token config's connections (and its pinned one).
      const principal = request.principal;
      const visible =
        principal?.kind === 'setup'
          ? all.filter(
              (connection) =>
                connection.tokenConfig === principal.setup.tokenConfig &&
                (principal.setup.connection === null || connection.name === principal.setup.connection),
            )
          : all;
      return { connections: visible };
    },
  );

  app.get<{ Params: { tenant: string; connection: string } }>(
    '/api/v1/tenants/:tenant/connections/:connection',
    {
      preHandler: ctx.auth.requireAdminOrSetup({ connection: (request) => (request.params as { connection: string }).connection }),
      schema: {
        tags: ['connections'],
        operationId: 'getConnection',
        summary: 'One connection',
        security: [{ adminToken: [] }, { setupSession: [] }],
        params: connectionParams,
        response: { 200: connectionSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      return ctx.connections.get(request.params.tenant, request.params.connection);
    },
  );

  app.delete<{ Params: { tenant: string; connection: string } }>(
    '/api/v1/tenants/:tenant/connections/:connection',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['connections'],
        operationId: 'deleteConnection',
        summary: 'Remove a connection; workloads stop receiving its credentials within seconds (issued ones live until they expire)',
        security: [{ adminToken: [] }],
        params: connectionParams,
        response: { 204: { type: 'null' }, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      await ctx.connections.remove(request.params.tenant, request.params.connection, { actor: actorOf(request), requestId: request.id });
      return reply.status(204).send();
    },
  );
}
