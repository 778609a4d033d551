import type { FastifyInstance } from 'fastify';
import type { ConnectionTestRequest } from '../../doctor/index.js';
import { actorOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

const name = { type: 'string', pattern: '^[a-z0-9-]{1,63}$' } as const;

const findingProperties = {
  code: { type: 'string', description: 'Stable snake_case code, e.g. trust_subject_mismatch, oidc_provider_not_found' },
  cause: { type: 'string', description: 'The cause in one sentence' },
  setting: { type: 'string', description: 'The setting at fault, where the customer finds it' },
  actual: { type: ['string', 'null'], description: 'What the setting holds now' },
  expected: { type: ['string', 'null'], description: 'What it must hold (null: remove it)' },
  fix: { type: 'string' },
} as const;

const diagnosisSchema = {
  type: 'object',
  description: 'The diagnosis of the first failing step (or of the first probe the role accepted)',
  properties: {
    ...findingProperties,
    findings: { type: 'array', description: 'Every fault found, primary first', items: { type: 'object', properties: findingProperties } },
    basis: { type: 'string', enum: ['trust_policy', 'sts_error', 'inferred'] },
    confirm: { type: 'string', description: 'How to confirm an inferred diagnosis' },
    correctedStatement: { type: 'object', additionalProperties: true, description: 'The corrected trust-policy statement, ready to paste' },
    correctedDocument: { type: 'object', additionalProperties: true, description: 'The whole corrected trust policy (needed when a Deny had to be narrowed or a statement added)' },
    offeredFix: {
      type: 'object',
      description: "Whether a fix is offered: status 'proven' (the policy engine admitted the token and refused the probes with it; scope 'statement' or 'document') or 'none' with the reason no safe automatic fix exists",
      required: ['status'],
      properties: {
        status: { type: 'string', enum: ['proven', 'none'] },
        scope: { type: 'string', enum: ['statement', 'document'] },
        replaces: { type: 'string', description: 'Path of the statement the corrected one replaces' },
        refusedProbes: { type: 'array', items: { type: 'string' } },
        admittedAsBefore: { type: 'array', items: { type: 'string' }, description: "Probes the original policy's own pin already admitted" },
        reason: { type: 'string' },
      },
    },
    transient: { type: 'boolean', description: 'Retrying later may succeed (throttling, outages)' },
    sts: { type: 'object', additionalProperties: true, description: "STS's answer, verbatim: operation, step, roleArn, code, message" },
    packedSize: {
      type: 'object',
      description:
        'packed_policy_too_large: what went into the packed session — STS\'s percent, the session tags (count, characters of keys and values, transitive keys, the largest three) ' +
        'and the session policy (characters, minified) — and targetCharacters, the size to stay under at the same compressibility',
      properties: {
        percent: { type: 'integer' },
        sessionTags: {
          type: 'object',
          properties: {
            count: { type: 'integer' },
            keyCharacters: { type: 'integer' },
            valueCharacters: { type: 'integer' },
            transitiveKeys: { type: 'integer' },
            largest: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, characters: { type: 'integer' } } } },
          },
        },
        sessionPolicyCharacters: { type: 'integer' },
        targetCharacters: { type: 'integer' },
      },
    },
  },
} as const;

const testResultSchema = {
  type: 'object',
  required: ['ok', 'steps', 'probes'],
  properties: {
    ok: { type: 'boolean', description: 'The exchange worked end to end and the role refused every probe' },
    testId: { type: 'string' },
    workload: { type: 'string', description: 'The workload whose identity was tested' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'token, issuer, assume_role_with_web_identity, assume_role[n], get_caller_identity' },
          status: { type: 'string', enum: ['ok', 'failed', 'skipped', 'warning'] },
          durationMs: { type: 'integer' },
          detail: { type: 'string' },
          data: { type: 'object', additionalProperties: true },
        },
      },
    },
    diagnosis: diagnosisSchema,
    probes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          probe: { type: 'string', enum: ['sibling_component', 'sibling_deployment', 'other_tenant', 'wrong_audience'] },
          status: { type: 'string', enum: ['refused', 'accepted', 'skipped', 'inconclusive'] },
          subject: { type: 'string' },
          audience: { type: 'string' },
          sessionName: { type: 'string', description: 'rb-probe-…, as CloudTrail shows it' },
          jti: { type: 'string' },
          detail: { type: 'string' },
          stsCode: { type: 'string' },
          finding: diagnosisSchema,
          severity: { type: 'string', enum: ['error', 'warning'], description: 'For an accepted probe: error for another tenant or audience, warning for a sibling of the same tenant' },
        },
      },
    },
    warnings: {
      type: 'array',
      description: 'trust_too_broad findings that do not fail the test: the role admits siblings of the same tenant (right for a deployment- or tenant-wide role; the tightened statement is given in case it is not meant)',
      items: diagnosisSchema,
    },
    changes: {
      type: 'array',
      description: 'Changes since the previous test (started_failing, probe_accepted, recovered), also audited',
      items: { type: 'object', additionalProperties: true },
    },
  },
} as const;

/** `POST /api/v1/tenants/{tenant}/connections/{connection}/test`: the doctor. */
export function registerConnectionTestRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { tenant: string; connection: string }; Body: ConnectionTestRequest | undefined }>(
    '/api/v1/tenants/:tenant/connections/:connection/test',
    {
      preHandler: ctx.auth.requireAdminOrSetup({ connection: (request) => (request.params as { connection: string }).connection }),
      schema: {
        tags: ['connections'],
        operationId: 'testConnection',
        summary: 'Test a connection: every step of the exchange, a diagnosis of what fails, and probes the role must refuse',
        description:
          'Mints the connection\'s token for its workload, fetches discovery and JWKS as AWS does, runs AssumeRoleWithWebIdentity, each hop and ' +
          'GetCallerIdentity, then presents tokens the role must refuse (a sibling component, another deployment, another tenant, a wrong audience). ' +
          'A negative verdict is a 200 with `ok: false` and a `diagnosis`: stable code, cause, the setting at fault, actual and expected values, ' +
          'the fix and, for trust problems, the corrected statement. With `trustPolicy` the doctor names the failing statement and condition; ' +
          'without it, it says what it inferred and how to confirm. Every run is audited (probes by session name) and kept in the history.',
        security: [{ adminToken: [] }, { setupSession: [] }],
        params: { type: 'object', required: ['tenant', 'connection'], properties: { tenant: name, connection: name } },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            trustPolicy: {
              anyOf: [{ type: 'object', additionalProperties: true }, { type: 'string', maxLength: 131072 }],
              description: "The role's trust policy (document or JSON text), when you have it",
            },
            workload: { type: 'string', maxLength: 100, description: 'The workload whose identity to test (default: the one that verified the connection)' },
            probes: { type: 'boolean', default: true, description: 'Run the negative probes after a successful exchange' },
          },
        },
        response: {
          200: testResultSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
          422: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { tenant, connection } = request.params;
      return ctx.doctor.test(tenant, connection, request.body ?? {}, { actor: actorOf(request), requestId: request.id, trigger: 'manual' });
    },
  );

  app.get<{ Params: { tenant: string; connection: string }; Querystring: { limit?: number } }>(
    '/api/v1/tenants/:tenant/connections/:connection/tests',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['connections'],
        operationId: 'listConnectionTests',
        summary: "The connection's test history, newest first (manual tests, verification, set-up and the scheduled drift watch)",
        security: [{ adminToken: [] }],
        params: { type: 'object', required: ['tenant', 'connection'], properties: { tenant: name, connection: name } },
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } },
        response: {
          200: {
            type: 'object',
            properties: {
              tests: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    testedAt: { type: 'string', format: 'date-time' },
                    trigger: { type: 'string', enum: ['manual', 'schedule', 'setup', 'verify'] },
                    ok: { type: 'boolean' },
                    diagnosisCode: { type: ['string', 'null'] },
                    acceptedProbes: { type: 'array', items: { type: 'string' } },
                    durationMs: { type: 'integer' },
                    result: { type: 'object', additionalProperties: true, description: 'The doctor\'s whole answer for that run' },
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
      const { tenant, connection } = request.params;
      return { tests: await ctx.doctor.history(tenant, connection, request.query.limit ?? 50) };
    },
  );
}
