import type { FastifyInstance } from 'fastify';
import {
  DatabaseIamAuthDisabledError,
  DB_ENGINES,
  DATABASE_IAM_AUTH_DISABLED_MESSAGE,
  parseDbAuthRequest,
  REDSHIFT_DURATION,
} from '../../db_auth/index.js';
import { workloadOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

/** Types only, for the OpenAPI document; what each engine requires is checked by parseDbAuthRequest, naming the field. */
const bodySchema = {
  type: 'object',
  required: ['connection', 'engine'],
  properties: {
    connection: { type: 'string', description: 'The connection whose role chain signs or fetches the password' },
    engine: { type: 'string', enum: [...DB_ENGINES] },
    host: { type: 'string', description: 'postgres/mysql: the RDS or Aurora endpoint, without scheme or port' },
    port: { type: 'integer', description: 'postgres/mysql: default 5432 / 3306' },
    dbUser: { type: 'string', description: 'postgres/mysql/redshift: the database user' },
    region: { type: 'string', description: "The database's region; default: the connection's" },
    clusterIdentifier: { type: 'string', description: 'redshift: the provisioned cluster' },
    dbName: { type: 'string', description: 'redshift/redshift-serverless: the database' },
    autoCreate: { type: 'boolean', description: 'redshift: create the user if missing (Redshift answers IAMA:<user>)' },
    dbGroups: { type: 'array', items: { type: 'string' }, description: 'redshift: groups the user joins for the session' },
    durationSeconds: {
      type: 'integer',
      description: `redshift/redshift-serverless: ${REDSHIFT_DURATION.min}–${REDSHIFT_DURATION.max}, default ${REDSHIFT_DURATION.default}`,
    },
    workgroupName: { type: 'string', description: 'redshift-serverless: the workgroup' },
  },
} as const;

interface DbAuthBody {
  connection: string;
  engine: string;
  [field: string]: unknown;
}

/**
 * `POST /api/v1/db-auth-token` with the workload secret: a database password from IAM for one of
 * the workload's connections — an RDS/Aurora IAM token (postgres, mysql), Redshift
 * `GetClusterCredentials` (redshift) or Redshift Serverless `GetCredentials` (redshift-serverless),
 * using the broker's credentials for the connection's role chain. Behind
 * ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH.
 */
export function registerDbAuthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  // One per server: its cache holds the passwords until shortly before they expire.

  app.post<{ Body: DbAuthBody }>(
    '/api/v1/db-auth-token',
    {
      config: { quiet: true },
      // Checked first (before authentication and body validation) so that every request gets the same answer while off.
      onRequest: async () => {
        if (!ctx.config.features.awsDatabaseIamAuth) throw new DatabaseIamAuthDisabledError();
      },
      preHandler: ctx.auth.requireWorkload,
      schema: {
        tags: ['workload'],
        operationId: 'createDbAuthToken',
        summary: 'A database password from IAM (RDS/Aurora token, Redshift, Redshift Serverless)',
        description:
          `Off unless ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH is true; then every request is 403 \`feature_disabled\` ` +
          `"${DATABASE_IAM_AUTH_DISABLED_MESSAGE}". Passwords are cached until shortly before they expire. ` +
          'Errors: 400 `invalid_db_auth_request` (details.field names the field), 404 `connection_not_found`, ' +
          '403 `access_denied` (STS refused the role chain), 403 `db_access_denied` (the role may not call Redshift), ' +
          '404 `db_resource_not_found` (no such cluster or workgroup), 422 `db_request_rejected`, 503 `sts_unavailable` / `db_service_unavailable`.',
        security: [{ workloadSecret: [] }],
        body: bodySchema,
        response: {
          200: {
            type: 'object',
            required: ['engine', 'username', 'password', 'expiresAt'],
            properties: {
              engine: { type: 'string', enum: [...DB_ENGINES] },
              username: { type: 'string', description: 'The user to log in as (Redshift: as it answered, e.g. IAM:alice, IAMR:role)' },
              password: { type: 'string', description: 'RDS: the signed token; Redshift: the temporary password' },
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
    async (request, reply) => {
      const { connection: name, request: dbRequest } = parseDbAuthRequest(request.body);
      const workload = workloadOf(request);
      const connection = await ctx.connections.lookup.requireFor(workload, name);
      const { credentials } = await ctx.dbAuth.issue(workload, connection, dbRequest);
      reply.header('cache-control', 'no-store');
      return {
        engine: credentials.engine,
        username: credentials.username,
        password: credentials.password,
        expiresAt: new Date(credentials.expiresAt).toISOString(),
        ...(credentials.host === undefined ? {} : { host: credentials.host }),
        ...(credentials.port === undefined ? {} : { port: credentials.port }),
      };
    },
  );
}
