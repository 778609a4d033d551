import type { FastifyInstance } from 'fastify';
import { formatSetupScope, parseSetupScope, type SetupScope } from '../../claims/index.js';
import { actorOf } from '../../access/index.js';
import type { SubjectChangeCheck, SubjectChangeConnection } from '../../doctor/index.js';
import { InvalidInputError } from '../../core/index.js';
import { parseArn, RENDER_FORMATS, renderPolicy, type PolicyJson, type RenderFormat } from '../../policy/index.js';
import { subjectMigrationTrust } from '../../setup/index.js';
import type { TenantView, TokenConfigView } from '../../issuer/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import { tokenConfigParams } from './issuer_schemas.js';
import type { RouteContext } from './route_context.js';

interface SubjectMigrationBody {
  subjectTemplate: string;
  /** Per connection, the scope its role trusts (default: the workload the probes carry). */
  scopes?: Record<string, string>;
}

const documentsSchema = {
  type: 'object',
  description: 'The policy rendered in every format (json, terraform, cloudformation, cli)',
  properties: Object.fromEntries(RENDER_FORMATS.map((format) => [format, { type: 'string' }])),
} as const;

const probeSchema = {
  type: 'object',
  properties: {
    label: { type: 'string', enum: ['current', 'new'] },
    subject: { type: 'string' },
    audience: { type: 'string' },
    sessionName: { type: 'string', description: 'rb-probe-current-… / rb-probe-new-…, as CloudTrail shows it' },
    jti: { type: 'string' },
    outcome: { type: 'string', enum: ['admitted', 'refused', 'inconclusive'] },
    stsCode: { type: 'string' },
    stsMessage: { type: 'string' },
  },
} as const;

const policySchema = { type: ['object', 'null'], additionalProperties: true } as const;

/** `POST /api/v1/tenants/{tenant}/token-configs/{name}/subject-migration`: plan a change of subject format, proven by real exchanges. */
export function registerSubjectMigrationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { tenant: string; name: string }; Body: SubjectMigrationBody }>(
    '/api/v1/tenants/:tenant/token-configs/:name/subject-migration',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['tenants'],
        operationId: 'planSubjectMigration',
        summary: 'Plan a change of subject template: every workload\'s sub before and after, and for every connection whether its role admits each format (real exchanges)',
        description:
          'Nothing is saved. For every connection using the token config, two probe tokens for one workload (the one that verified the ' +
          'connection, else the first enabled one), one in the current and one in the new format, signed with the tenant\'s key and ' +
          'exchanged with sts:AssumeRoleWithWebIdentity on the connection\'s role (session names rb-probe-current-… / rb-probe-new-…; ' +
          'the credentials are dropped). `trustPolicy` admits both formats (apply it before the switch), `finalTrustPolicy` only the new ' +
          'one (after it), both rendered in every format. The scope of a connection\'s policies is the scope the connection serves, else its probe workload, unless `scopes` names ' +
          'one (same syntax as the trust-policy route). `breaking` lists the connections a switch would break (PATCH answers 409 for them).',
        security: [{ adminToken: [] }],
        params: tokenConfigParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['subjectTemplate'],
          properties: {
            subjectTemplate: { type: 'string', maxLength: 300, description: 'The planned subject template' },
            scopes: {
              type: 'object',
              maxProperties: 200,
              additionalProperties: { type: 'string', maxLength: 200 },
              description: 'Connection name → the scope its role trusts (workload:<id> | deployment:<d>[,component:<c>] | tenant)',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['tokenConfig', 'currentTemplate', 'subjectTemplate', 'workloads', 'connections', 'breaking'],
            properties: {
              tokenConfig: { type: 'string' },
              currentTemplate: { type: 'string' },
              subjectTemplate: { type: 'string' },
              breaking: { type: 'array', items: { type: 'string' }, description: 'Connections whose role did not admit the new format' },
              workloads: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    deployment: { type: 'string' },
                    component: { type: 'string' },
                    region: { type: ['string', 'null'] },
                    disabled: { type: 'boolean' },
                    from: { type: ['string', 'null'], description: 'sub now' },
                    to: { type: ['string', 'null'], description: 'sub under the planned template (null: it cannot be rendered, see problem)' },
                    problem: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
                  },
                },
              },
              connections: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    roleArn: { type: 'string' },
                    region: { type: 'string' },
                    workload: { type: ['string', 'null'], description: 'The workload the probes carry' },
                    scope: { type: ['string', 'null'], description: 'The scope the trust policies are written for' },
                    currentSubject: { type: ['string', 'null'] },
                    newSubject: { type: ['string', 'null'] },
                    admitsCurrent: { type: ['boolean', 'null'], description: 'The role admitted the current-format probe (null: not decided)' },
                    admitsNew: { type: ['boolean', 'null'], description: 'The role admitted the new-format probe (null: not decided)' },
                    probes: { type: 'array', items: probeSchema },
                    detail: { type: 'string' },
                    trustPolicy: { ...policySchema, description: 'Transition: admits both formats' },
                    finalTrustPolicy: { ...policySchema, description: 'After the switch: the new format only' },
                    documents: {
                      type: ['object', 'null'],
                      properties: { transition: documentsSchema, final: documentsSchema },
                    },
                  },
                },
              },
            },
          },
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { tenant, name } = request.params;
      const scopes = parseScopes(request.body.scopes ?? {});
      const tenantView = await ctx.issuer.getTenant(tenant);
      const check = await ctx.doctor.checkSubjectChange(tenant, name, request.body.subjectTemplate, { actor: actorOf(request), requestId: request.id });
      const config = (await ctx.issuer.listTokenConfigs(tenant)).find((candidate) => candidate.name === name)!;
      return {
        ...check,
        connections: check.connections.map((connection) => withTrustPolicies(connection, { tenant: tenantView, config, check, scope: scopes.get(connection.name) })),
      };
    },
  );
}

function parseScopes(scopes: Record<string, string>): Map<string, SetupScope> {
  return new Map(Object.entries(scopes).map(([connection, text]) => [connection, parseSetupScope(text)]));
}

/** Adds the transition and final trust policies of one connection, rendered in every format. */
function withTrustPolicies(
  connection: SubjectChangeConnection,
  context: { tenant: TenantView; config: TokenConfigView; check: SubjectChangeCheck; scope: SetupScope | undefined },
): SubjectChangeConnection & { scope: string | null; trustPolicy: PolicyJson | null; finalTrustPolicy: PolicyJson | null; documents: Record<string, Record<RenderFormat, string>> | null } {
  const scope: SetupScope | undefined =
    context.scope ??
    (connection.servesScope !== null ? parseSetupScope(connection.servesScope) : undefined) ??
    (connection.workload === null ? undefined : { kind: 'workload', workload: connection.workload });
  const accountId = parseArn(connection.roleArn)?.accountId;
  if (scope === undefined || accountId === undefined || !/^\d{12}$/.test(accountId)) {
    return { ...connection, scope: null, trustPolicy: null, finalTrustPolicy: null, documents: null };
  }
  const workload = scope.kind === 'workload' ? context.check.workloads.find((candidate) => candidate.id === scope.workload) : undefined;
  if (scope.kind === 'workload' && workload === undefined) {
    throw new InvalidInputError('invalid_scope', `The scope of connection ${connection.name} names workload ${scope.workload}, which the tenant does not have.`, {
      connection: connection.name,
    });
  }
  const trust = subjectMigrationTrust({
    accountId,
    tenant: context.tenant.id,
    issuerUrl: context.tenant.issuer,
    tokenConfig: context.config,
    subjectTemplate: context.check.subjectTemplate,
    scope,
    ...(workload === undefined ? {} : { workload }),
  });
  const roleName = connection.roleArn.split('/').pop() ?? connection.name;
  const render = (policy: PolicyJson) =>
    Object.fromEntries(RENDER_FORMATS.map((format) => [format, renderPolicy(format, { issuer: context.tenant.issuer, audiences: [context.config.audience], roleName, trustPolicy: policy })])) as Record<
      RenderFormat,
      string
    >;
  return {
    ...connection,
    scope: formatSetupScope(scope),
    trustPolicy: trust.transition,
    finalTrustPolicy: trust.final,
    documents: { transition: render(trust.transition), final: render(trust.final) },
  };
}
