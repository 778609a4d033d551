import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, bearerToken } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import { SETUP_CODE_TTL, SETUP_SESSION_TTL_SECONDS, type IssuedSetupCode, type SetupCodeRequest } from '../../access/index.js';
import { downloadVerifyRunLines, setupCliDownload, setupCliUrl } from '../setup_cli_download.js';
import { tenantParams } from './issuer_schemas.js';
import { trustPolicyDocument } from './trust_policy.js';
import type { RouteContext } from './route_context.js';

const issuedSchema = {
  type: 'object',
  required: ['id', 'code', 'expiresAt', 'tenant', 'tokenConfig', 'command', 'setupCli', 'run', 'awsCliScript'],
  properties: {
    id: { type: 'string', description: 'The code\'s id (audit actor `setup:<id>`); not a secret' },
    code: { type: 'string', description: '`rbs_…`, 256 random bits: shown once, stored only as its SHA-256' },
    expiresAt: { type: 'string', format: 'date-time' },
    tenant: { type: 'string' },
    tokenConfig: { type: 'string' },
    scope: { type: ['string', 'null'] },
    connection: { type: ['string', 'null'] },
    command: { type: 'string', description: 'A ready-to-paste `rolebridge setup aws …` line for the customer' },
    setupCli: {
      type: ['object', 'null'],
      description: 'The set-up CLI this server serves as one file (`GET /setup/latest`); null when it was not built',
      required: ['version', 'file', 'url', 'sha256'],
      properties: { version: { type: 'string' }, file: { type: 'string' }, url: { type: 'string' }, sha256: { type: 'string' } },
    },
    run: {
      type: 'array',
      items: { type: 'string' },
      description:
        'The lines the customer pastes: download the set-up CLI (`curl`), check its SHA-256 (`sha256sum -c`), run it with `node` ' +
        '(the `command`, without `rolebridge`); only the `command` when the set-up CLI was not built',
    },
    awsCliScript: {
      type: ['string', 'null'],
      description:
        'Without Node.js: AWS CLI commands (idempotent) that create the OIDC provider and a role `rolebridge-<tenant>` (or the pinned connection\'s name) ' +
        'trusting the pinned scope; the customer sends back the role ARN for a connection. Null when the code pins no scope',
    },
  },
} as const;

const sessionSchema = {
  type: 'object',
  required: ['sessionToken', 'expiresAt', 'tenant', 'tokenConfig'],
  properties: {
    sessionToken: { type: 'string', description: '`rbss_…`: the bearer for the set-up routes, at most one hour' },
    expiresAt: { type: 'string', format: 'date-time' },
    tenant: { type: 'string' },
    tokenConfig: { type: 'string' },
    scope: { type: ['string', 'null'] },
    connection: { type: ['string', 'null'] },
  },
} as const;

/** The role the AWS CLI path creates: the pinned connection's name, else `rolebridge-<tenant>`. */
function awsCliRoleName(issued: IssuedSetupCode): string {
  return issued.connection ?? `rolebridge-${issued.tenant}`;
}

/** The server URL as the admin reached it, for the printed command (behind a proxy: its Host and protocol). */
function serverUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The customer's command: the code and what it is for, plus the scope and connection when the code pins them. */
export function setupCommandFor(serverUrl: string, issued: IssuedSetupCode): string {
  const words = ['rolebridge', 'setup', 'aws', '--server', serverUrl, '--setup-code', issued.code, '--tenant', issued.tenant, '--token-config', issued.tokenConfig];
  const scope = issued.scope;
  if (scope === 'tenant') words.push('--tenant-wide');
  else if (scope?.startsWith('workload:')) words.push('--workload', scope.slice('workload:'.length));
  else if (scope?.startsWith('deployment:')) {
    const [deployment, component] = scope.slice('deployment:'.length).split(',component:');
    words.push('--deployment', deployment as string);
    if (component !== undefined) words.push('--component', component);
  }
  if (issued.connection !== null) words.push('--connection', issued.connection);
  return words.map(shellWord).join(' ');
}

/**
 * `POST /api/v1/tenants/{tenant}/setup-codes` (admin: a single-use code for a customer's `rolebridge setup aws`)
 * and `POST /api/v1/setup-sessions` (the code, once, for a short set-up session).
 */
export function registerSetupCodeRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { tenant: string }; Body: SetupCodeRequest }>(
    '/api/v1/tenants/:tenant/setup-codes',
    {
      preHandler: ctx.auth.requireAdmin,
      schema: {
        tags: ['setup'],
        operationId: 'createSetupCode',
        summary: 'Issue a single-use, short-lived set-up code for one token config, to hand to a customer instead of an admin token',
        description:
          'The customer pastes the returned `run` lines: they download the set-up CLI this server serves (`GET /setup/latest`; one file for a bare `node`, ' +
          'no npm package), check its SHA-256 and run `command` (`rolebridge setup aws --setup-code …`) with it; without Node.js, `awsCliScript` (when a scope is pinned). ' +
          'The CLI exchanges the code once at ' +
          '`POST /api/v1/setup-sessions` for a session of at most one hour that reaches only what set-up needs for this tenant and token config: ' +
          'reading the tenant, the token config, workloads, connections and the trust policy, creating a connection with this token config and testing it. ' +
          'Optional pins: `scope` (the trust policy and scope set-up may use) and `connection` (the only connection name it may create). ' +
          'The code is stored only as its SHA-256 and audited as `setup_code.created` (never the code).',
        security: [{ adminToken: [] }],
        params: tenantParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['tokenConfig'],
          properties: {
            tokenConfig: { type: 'string', maxLength: 63 },
            ttlSeconds: {
              type: 'integer',
              default: SETUP_CODE_TTL.defaultSeconds,
              description: `How long the code may be exchanged: ${SETUP_CODE_TTL.minSeconds}–${SETUP_CODE_TTL.maxSeconds}`,
            },
            scope: { type: 'string', maxLength: 200, description: 'Pin: workload:<id> | deployment:<d>[,component:<c>] | tenant' },
            connection: { type: 'string', maxLength: 63, description: 'Pin: the connection name set-up may create ([a-z0-9-])' },
          },
        },
        response: { 201: issuedSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const issued = await ctx.setupCodes.issue(request.params.tenant, request.body, { actor: actorOf(request), requestId: request.id });
      const serverUrl = serverUrlOf(request);
      const command = setupCommandFor(serverUrl, issued);
      const download = setupCliDownload();
      const awsCliScript =
        issued.scope === null
          ? null
          : (await trustPolicyDocument(ctx, issued.tenant, { tokenConfig: issued.tokenConfig, scope: issued.scope, format: 'cli', roleName: awsCliRoleName(issued) })).document;
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({
          ...issued,
          command,
          setupCli: download === undefined ? null : { version: download.version, file: download.file, url: setupCliUrl(serverUrl, download), sha256: download.sha256 },
          run: download === undefined ? [command] : downloadVerifyRunLines(serverUrl, download, command.slice('rolebridge '.length)),
          awsCliScript,
        });
    },
  );

  app.post(
    '/api/v1/setup-sessions',
    {
      // The code is the whole request: exchanged and answered before any body is read (401 before 400).
      onRequest: async (request, reply) => {
        const { sessionToken, grant } = await ctx.setupCodes.exchange(bearerToken(request, 'set-up code'), request.id);
        // Answered here: returning the reply tells fastify the request is done (no body read, no handler).
        return reply
          .status(200)
          .header('cache-control', 'no-store')
          .send({ sessionToken, expiresAt: grant.expiresAt, tenant: grant.tenantId, tokenConfig: grant.tokenConfig, scope: grant.scope, connection: grant.connection });
      },
      schema: {
        tags: ['setup'],
        operationId: 'createSetupSession',
        summary: 'Exchange a set-up code (once) for a set-up session',
        description:
          `Send the code as \`Authorization: Bearer rbs_…\`. The code is consumed atomically: a second exchange answers 401 \`setup_code_used\`, ` +
          `an expired code 401 \`setup_code_expired\`, an unknown one 401 \`invalid_credentials\`. The session lasts ${SETUP_SESSION_TTL_SECONDS / 60} minutes ` +
          '(never past the code\'s expiry plus one hour); any route outside set-up answers it 403 `setup_scope_forbidden`.',
        security: [{ setupCode: [] }],
        response: { 200: sessionSchema, 401: errorResponseSchema },
      },
    },
    async () => {
      throw new Error('unreachable: the exchange answers from onRequest');
    },
  );
}
