import type { FastifyInstance } from 'fastify';
import { parseSetupScope } from '../../claims/index.js';
import { trustStatementForScope } from '../../setup/index.js';
import { NotFoundError } from '../../core/index.js';
import { RENDER_FORMATS, renderPolicy, type PolicyJson, type RenderFormat } from '../../policy/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import { tenantParams } from './issuer_schemas.js';
import type { RouteContext } from './route_context.js';

/**
 * Account id used when the caller does not give one: the documents stay valid to read and the
 * placeholder is obvious to replace (Terraform and CloudFormation reference the provider instead).
 */
const ACCOUNT_PLACEHOLDER = '111111111111';

export interface TrustPolicyQuery {
  tokenConfig: string;
  scope: string;
  format?: RenderFormat;
  accountId?: string;
  roleName?: string;
}

/** The trust policy a customer's role needs for one scope of `tenant`, as JSON and rendered in `query.format`. */
export async function trustPolicyDocument(
  ctx: RouteContext,
  tenant: string,
  query: TrustPolicyQuery,
): Promise<{ tokenConfig: string; scope: string; format: RenderFormat; policy: PolicyJson; document: string }> {
  const scope = parseSetupScope(query.scope);
  const view = await ctx.issuer.getTenant(tenant);
  const tokenConfig = (await ctx.issuer.listTokenConfigs(tenant)).find((config) => config.name === query.tokenConfig);
  if (tokenConfig === undefined) {
    throw new NotFoundError('token_config_not_found', `Tenant ${tenant} has no token config ${query.tokenConfig}.`, { tokenConfig: query.tokenConfig });
  }
  let workload: { id: string; deployment: string; component: string; region: string | null } | undefined;
  if (scope.kind === 'workload') {
    workload = (await ctx.issuer.listWorkloads(tenant)).find((candidate) => candidate.id === scope.workload);
    if (workload === undefined) throw new NotFoundError('workload_not_found', `Tenant ${tenant} has no workload ${scope.workload}.`, { workload: scope.workload });
  }
  const statement = trustStatementForScope({
    accountId: query.accountId ?? ACCOUNT_PLACEHOLDER,
    tenant,
    issuerUrl: view.issuer,
    tokenConfig,
    scope,
    ...(workload === undefined ? {} : { workload }),
  });
  const policy: PolicyJson = { Version: '2012-10-17', Statement: [statement] };
  const format = query.format ?? 'json';
  const document = renderPolicy(format, {
    issuer: view.issuer,
    audiences: [tokenConfig.audience],
    roleName: query.roleName ?? `rolebridge-${tenant}`,
    trustPolicy: policy,
  });
  return { tokenConfig: tokenConfig.name, scope: query.scope, format, policy, document };
}

/** `GET /api/v1/tenants/{tenant}/trust-policy`: the trust policy a customer's role needs for one scope. */
export function registerTrustPolicyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { tenant: string }; Querystring: TrustPolicyQuery }>(
    '/api/v1/tenants/:tenant/trust-policy',
    {
      preHandler: ctx.auth.requireAdminOrSetup({
        tokenConfig: (request) => (request.query as TrustPolicyQuery).tokenConfig,
        scope: (request) => (request.query as TrustPolicyQuery).scope,
      }),
      schema: {
        tags: ['connections'],
        operationId: 'getTrustPolicy',
        summary: 'The trust policy (or Terraform, CloudFormation, AWS CLI) for a role trusting one scope of the tenant',
        description:
          'Built from the tenant\'s issuer URL and the token config (audience, subject template) with the policy engine: `aud` pinned, ' +
          '`sub` exact for `workload:<id>`, a pattern open only where the scope is for `deployment:<d>[,component:<c>]` and `tenant`. ' +
          `The statement's Sid starts with \`Rolebridge\` (guided set-up recognises it). Without \`accountId\` the provider ARN uses ${ACCOUNT_PLACEHOLDER}.`,
        security: [{ adminToken: [] }, { setupSession: [] }],
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['tokenConfig', 'scope'],
          properties: {
            tokenConfig: { type: 'string', maxLength: 63 },
            scope: { type: 'string', maxLength: 200, description: 'workload:<id> | deployment:<d>[,component:<c>] | tenant' },
            format: { type: 'string', enum: [...RENDER_FORMATS], default: 'json' },
            accountId: { type: 'string', pattern: '^[0-9]{12}$', description: 'The AWS account that holds the OIDC provider' },
            roleName: { type: 'string', maxLength: 64, pattern: '^[\\w+=,.@-]+$', description: 'Used by the terraform, cloudformation and cli formats' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['tokenConfig', 'scope', 'format', 'policy', 'document'],
            properties: {
              tokenConfig: { type: 'string' },
              scope: { type: 'string' },
              format: { type: 'string' },
              policy: { type: 'object', additionalProperties: true, description: 'The trust policy as JSON, whatever the format' },
              document: { type: 'string', description: 'The policy rendered in `format`' },
            },
          },
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request) => trustPolicyDocument(ctx, request.params.tenant, request.query),
  );
}
