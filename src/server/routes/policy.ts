import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { InvalidInputError } from '../../core/index.js';
import {
  decodeJwtClaims,
  evaluatePolicy,
  lintPolicy,
  parsePolicy,
  simulationRequest,
  type ContextValue,
} from '../../policy/index.js';
import { errorResponseSchema } from '../error_envelope.js';

/**
 * `POST /api/v1/policy/simulate` and `POST /api/v1/policy/lint`: the policy engine over HTTP, answering with
 * the same objects the CLI prints with --json. Pure computation; nothing is stored.
 */

interface SimulateBody {
  policy: string | Record<string, unknown>;
  claims?: Record<string, unknown>;
  token?: string;
  providerArn?: string;
  issuer?: string;
  action?: string;
  roleSessionName?: string;
  context?: Record<string, ContextValue>;
}

interface LintBody {
  policy: string | Record<string, unknown>;
  issuer?: string;
  sessionTags?: boolean;
}

const policySchema = {
  anyOf: [{ type: 'string', maxLength: 131072 }, { type: 'object', additionalProperties: true }],
  description: 'The IAM policy, as a JSON object or as its text (text keeps duplicate-key detection)',
};

const elementSchema = {
  type: 'object',
  required: ['matched', 'explanation'],
  properties: { matched: { type: 'boolean' }, explanation: { type: 'string' } },
};

const conditionSchema = {
  type: 'object',
  required: ['path', 'operator', 'key', 'matched', 'contextValue', 'requiredValues', 'explanation'],
  properties: {
    path: { type: 'string' },
    operator: { type: 'string' },
    key: { type: 'string' },
    matched: { type: 'boolean' },
    contextValue: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'null' }], description: 'What the request carries (null: absent)' },
    requiredValues: { type: 'array', items: { type: 'string' } },
    explanation: { type: 'string' },
  },
};

const statementSchema = {
  type: 'object',
  required: ['index', 'path', 'effect', 'applies', 'principal', 'action', 'resource', 'conditions', 'explanation'],
  properties: {
    index: { type: 'integer' },
    path: { type: 'string' },
    sid: { type: 'string' },
    effect: { type: 'string', enum: ['Allow', 'Deny'] },
    applies: { type: 'boolean' },
    principal: elementSchema,
    action: elementSchema,
    resource: elementSchema,
    conditions: { type: 'array', items: conditionSchema },
    explanation: { type: 'string' },
  },
};

const evaluationProperties = {
  decision: { type: 'string', enum: ['Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied'] },
  action: { type: 'string' },
  summary: { type: 'string' },
  statements: { type: 'array', items: statementSchema },
};

const evaluationSchema = {
  type: 'object',
  required: ['decision', 'action', 'summary', 'statements'],
  properties: {
    ...evaluationProperties,
    tagSession: {
      type: 'object',
      required: ['decision', 'action', 'summary', 'statements'],
      description: 'When the token passes session tags: the evaluation of sts:TagSession, which must be allowed too',
      properties: evaluationProperties,
    },
  },
};

const findingSchema = {
  type: 'object',
  required: ['code', 'severity', 'message', 'path'],
  properties: {
    code: { type: 'string' },
    severity: { type: 'string', enum: ['error', 'warning', 'info'] },
    message: { type: 'string' },
    path: { type: 'string', description: 'JSON path of the element, e.g. Statement[0].Condition.StringLike; empty for the whole document' },
  },
};

/**
 * Registers the policy routes. The server wires them behind admin authentication: pass the authenticator's
 * `requireAdmin` as `ctx.auth.requireAdmin` (the shape every route module receives).
 */
export function registerPolicyRoutes(app: FastifyInstance, ctx?: { auth: { requireAdmin: preHandlerHookHandler } }): void {
  const guard = ctx === undefined ? {} : { preHandler: ctx.auth.requireAdmin };
  const security = ctx === undefined ? {} : { security: [{ adminToken: [] }] };

  app.post<{ Body: SimulateBody }>(
    '/api/v1/policy/simulate',
    {
      ...guard,
      schema: {
        tags: ['policy'],
        operationId: 'simulatePolicy',
        summary: 'Evaluate a trust policy against a token or its claims, and explain every statement and condition',
        description:
          'Give `claims` (an object) or `token` (a JWT; decoded, not verified). The request is sts:AssumeRoleWithWebIdentity from ' +
          '`providerArn` (default: the oidc-provider of `iss` in the account the policy names) with the context keys AWS derives ' +
          'from the token, plus `context`. A malformed policy is a 400 with the JSON path in `details.path`.',
        ...security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['policy'],
          properties: {
            policy: policySchema,
            claims: { type: 'object', additionalProperties: true },
            token: { type: 'string', maxLength: 20000 },
            providerArn: { type: 'string', maxLength: 2048 },
            issuer: { type: 'string', maxLength: 2048 },
            action: { type: 'string', maxLength: 128 },
            roleSessionName: { type: 'string', maxLength: 64 },
            context: {
              type: 'object',
              additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
            },
          },
        },
        response: { 200: evaluationSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => {
      const body = request.body;
      if ((body.claims === undefined) === (body.token === undefined)) {
        throw new InvalidInputError('claims_or_token_required', 'Give exactly one of "claims" or "token".');
      }
      const document = parsePolicy(body.policy);
      const claims = body.claims ?? decodeJwtClaims(body.token!);
      const simulated = simulationRequest({
        policy: document,
        claims,
        ...(body.providerArn === undefined ? {} : { providerArn: body.providerArn }),
        ...(body.issuer === undefined ? {} : { issuer: body.issuer }),
        ...(body.action === undefined ? {} : { action: body.action }),
        ...(body.roleSessionName === undefined ? {} : { roleSessionName: body.roleSessionName }),
        ...(body.context === undefined ? {} : { context: body.context }),
      });
      return evaluatePolicy(document, simulated);
    },
  );

  app.post<{ Body: LintBody }>(
    '/api/v1/policy/lint',
    {
      ...guard,
      schema: {
        tags: ['policy'],
        operationId: 'lintPolicy',
        summary: 'Lint a trust policy for the mistakes people really make',
        description: 'A policy that does not parse yields one error finding with the parser\'s code and path.',
        ...security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['policy'],
          properties: {
            policy: policySchema,
            issuer: { type: 'string', maxLength: 2048, description: 'The issuer the policy should trust' },
            sessionTags: { type: 'boolean', description: 'The tokens carry AWS session tags' },
          },
        },
        response: {
          200: { type: 'object', required: ['findings'], properties: { findings: { type: 'array', items: findingSchema } } },
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { policy, issuer, sessionTags } = request.body;
      return { findings: lintPolicy(policy, { ...(issuer === undefined ? {} : { issuer }), sessionTags: sessionTags ?? false }) };
    },
  );
}
