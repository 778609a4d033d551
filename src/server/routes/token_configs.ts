import type { FastifyInstance } from 'fastify';
import type { TokenConfigInput, TokenConfigPatch, TokenPreviewInput } from '../../issuer/index.js';
import { actorOf } from '../../access/index.js';
import { ConflictError } from '../../core/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import { sessionTagsSchema, tenantParams, tokenConfigParams, tokenConfigSchema } from './issuer_schemas.js';
import type { RouteContext } from './route_context.js';

/** `POST|GET /api/v1/tenants/{tenant}/token-configs`, `PATCH …/token-configs/{name}` and `POST …/token-configs/{name}/preview`. */
export function registerTokenConfigRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { tenant: string }; Body: TokenConfigInput }>(
    '/api/v1/tenants/:tenant/token-configs',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'createTokenConfig',
        summary: 'Create a token config: audience, subject template, lifetime, static claims, session tags',
        security: [{ adminToken: [] }],
        params: tenantParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'subjectTemplate'],
          properties: {
            name: { type: 'string', maxLength: 100, description: '[a-z0-9-], unique in the tenant; `default` is used when a token request names none' },
            audience: { type: 'string', maxLength: 255, default: 'sts.amazonaws.com' },
            subjectTemplate: {
              type: 'string',
              maxLength: 300,
              description: 'Placeholders {tenant} {deployment} {component} {region} {workload}, separated by one of : / @ = +',
            },
            lifetimeSeconds: { type: 'integer', default: 300, description: '60–3600' },
            claims: { type: 'object', maxProperties: 50, additionalProperties: true, description: 'Extra static claims (not reserved names)' },
            sessionTags: sessionTagsSchema,
          },
        },
        response: { 201: tokenConfigSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const config = await ctx.issuer.createTokenConfig(request.params.tenant, request.body, actorOf(request), request.id);
      return reply.status(201).send(config);
    },
  );

  app.get<{ Params: { tenant: string } }>(
    '/api/v1/tenants/:tenant/token-configs',
    {
      preHandler: ctx.auth.requireAdminOrSetup(),
      schema: {
        tags: ['tenants'],
        operationId: 'listTokenConfigs',
        summary: "The tenant's token configs (a set-up session sees only its own)",
        security: [{ adminToken: [] }, { setupSession: [] }],
        params: tenantParams,
        response: {
          200: { type: 'object', properties: { tokenConfigs: { type: 'array', items: tokenConfigSchema } } },
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const tokenConfigs = await ctx.issuer.listTokenConfigs(request.params.tenant);
      // A set-up session sees only the token config it was issued for.
      const principal = request.principal;
      return { tokenConfigs: principal?.kind === 'setup' ? tokenConfigs.filter((config) => config.name === principal.setup.tokenConfig) : tokenConfigs };
    },
  );

  app.patch<{ Params: { tenant: string; name: string }; Body: TokenConfigPatch & { force?: boolean } }>(
    '/api/v1/tenants/:tenant/token-configs/:name',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'updateTokenConfig',
        summary: "Change a token config's settings; a new subject template must first be admitted by every connection's role",
        description:
          'Fields left out keep their value; the result is validated as on create (same 400 codes). A new `subjectTemplate` runs the ' +
          'subject-migration check first (real exchanges with probe tokens of the new format on every connection of the config): when a role ' +
          'does not admit it, the answer is 409 `subject_change_breaks_connections` with the connections in `details.connections`, and nothing ' +
          'is saved. `force: true` saves anyway; the audit event records the connections the change was forced past.',
        security: [{ adminToken: [] }],
        params: tokenConfigParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            audience: { type: 'string', maxLength: 255 },
            subjectTemplate: { type: 'string', maxLength: 300, description: 'Placeholders {tenant} {deployment} {component} {region} {workload}, separated by one of : / @ = +' },
            lifetimeSeconds: { type: 'integer', description: '60–3600' },
            claims: { type: 'object', maxProperties: 50, additionalProperties: true, description: 'Extra static claims (replace the stored ones)' },
            sessionTags: { anyOf: [sessionTagsSchema, { type: 'null' }], description: 'Session tags (replace the stored ones); null removes them' },
            force: { type: 'boolean', description: 'Save a subject change even when connections do not admit it (audited)' },
          },
        },
        response: { 200: tokenConfigSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => {
      const { tenant, name } = request.params;
      const { force = false, ...patch } = request.body;
      const actor = actorOf(request);
      return ctx.issuer.updateTokenConfig(tenant, name, patch, actor, {
        requestId: request.id,
        guard: async ({ before, after }) => {
          if (before.subjectTemplate === after.subjectTemplate) return undefined;
          const check = await ctx.doctor.checkSubjectChange(tenant, name, after.subjectTemplate, { actor, requestId: request.id });
          const breaking = check.connections
            .filter((connection) => check.breaking.includes(connection.name))
            .map((connection) => ({
              name: connection.name,
              roleArn: connection.roleArn,
              admitsCurrent: connection.admitsCurrent,
              admitsNew: connection.admitsNew,
              newSubject: connection.newSubject,
              ...(connection.probes[1]?.stsCode ? { stsCode: connection.probes[1].stsCode } : {}),
            }));
          if (breaking.length === 0) return { connectionsChecked: check.connections.map((connection) => connection.name) };
          if (!force) {
            throw new ConflictError(
              'subject_change_breaks_connections',
              `The new subject template would break ${breaking.length} connection(s): ${breaking.map((connection) => connection.name).join(', ')} ` +
                "(their roles refused a probe token in the new format, or STS did not decide). Apply the transition trust policy from POST …/subject-migration first, or send force: true.",
              { connections: breaking, subjectTemplate: after.subjectTemplate },
            );
          }
          return { forced: true, brokenConnections: breaking.map((connection) => connection.name) };
        },
      });
    },
  );

  app.post<{ Params: { tenant: string; name: string }; Body: TokenPreviewInput }>(
    '/api/v1/tenants/:tenant/token-configs/:name/preview',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'previewTokenConfigClaims',
        summary: "Preview a token's claims for a workload, under the stored config or a draft of it (nothing is signed or saved)",
        description:
          'The claims a token minted now for the workload would carry, with the same keys and values, but iat, nbf, exp and jti; and the ' +
          'size in bytes of that compact JWT. subjectTemplate, audience, claims and sessionTags replace the stored values and are validated ' +
          'as on create (same 400 codes).',
        security: [{ adminToken: [] }],
        params: tokenConfigParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['workload'],
          properties: {
            workload: { type: 'string', minLength: 1, maxLength: 100, description: 'Workload id' },
            subjectTemplate: { type: 'string', maxLength: 300, description: 'Draft subject template' },
            audience: { type: 'string', maxLength: 255, description: 'Draft audience' },
            claims: { type: 'object', maxProperties: 50, additionalProperties: true, description: 'Draft static claims (replace the stored ones)' },
            sessionTags: sessionTagsSchema,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['claims', 'size'],
            properties: {
              claims: { type: 'object', additionalProperties: true, description: 'Every claim of the token but iat, nbf, exp, jti' },
              size: { type: 'integer', description: 'Bytes of the compact JWT (header.payload.signature) it would be' },
            },
          },
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
          422: errorResponseSchema,
        },
      },
    },
    async (request) => ctx.issuer.previewToken(request.params.tenant, request.params.name, request.body),
  );
}
