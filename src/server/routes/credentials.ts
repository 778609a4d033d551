import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BrokeredCredentials, BrokeredSession } from '../../broker/index.js';
import { workloadOf } from '../../access/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

/** RFC 3339 without milliseconds, the form ECS and EKS container endpoints send. */
function expirationOf(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The response bytes of one cached session, rendered once: every cache hit for it answers the
 * same body, so the hot path neither builds nor serialises an object (the response schema below
 * still documents exactly these fields).
 */
const bodies = new WeakMap<BrokeredSession, Buffer>();
function containerCredentialsBody(session: BrokeredSession): Buffer {
  let body = bodies.get(session);
  if (!body) {
    body = Buffer.from(
      JSON.stringify({
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        Token: session.sessionToken,
        Expiration: expirationOf(session.expiresAt),
        RoleArn: session.roleArn,
      }),
    );
    bodies.set(session, body);
  }
  return body;
}

function sendCredentials(reply: FastifyReply, credentials: BrokeredCredentials): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json; charset=utf-8')
    .send(containerCredentialsBody(credentials.session ?? credentials));
}

/**
 * AWS SDKs and the CLI send `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the whole Authorization header,
 * without a scheme (that is what the ECS agent expects). Accept that form for this route only, as
 * if it were `Bearer <secret>`, so the variables work unchanged.
 */
function acceptContainerAuthorization(request: FastifyRequest): void {
  const header = request.headers.authorization;
  if (header === undefined || header.startsWith('Bearer ')) return; // the usual form, checked without a regex
  if (header.length > 0 && !/^bearer\s/i.test(header) && !/\s/.test(header.trim())) {
    request.headers.authorization = `Bearer ${header.trim()}`;
  }
}

/**
 * Error answers keep our envelope and add AWS's container-endpoint fields `Code` and `Message`,
 * which the AWS SDKs copy onto the error they raise, so an application log shows why
 * (`access_denied: … not authorized to perform …`) instead of a bare status.
 */
async function addAwsErrorFields(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  // preSerialization sees object payloads only: the hot path sends prebuilt bytes and skips this.
  const body = payload as { error?: { code?: string; message?: string } } | null;
  if (reply.statusCode < 400 || !body?.error?.code) return payload;
  return { ...body, Code: body.error.code, Message: body.error.message ?? '' };
}

const credentialsErrorSchema = {
  ...errorResponseSchema,
  properties: {
    ...errorResponseSchema.properties,
    Code: { type: 'string', description: 'Same as error.code, where AWS SDKs look for it' },
    Message: { type: 'string', description: 'Same as error.message' },
  },
} as const;

/**
 * `GET /api/v1/credentials/{connection}` with the workload secret: AWS credentials in the
 * container-credentials format, so `AWS_CONTAINER_CREDENTIALS_FULL_URI` +
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN` work unchanged in every AWS SDK and the AWS CLI. The hot path:
 * authentication, the connection and the credentials are all cached in memory.
 */
export function registerCredentialRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { connection: string } }>(
    '/api/v1/credentials/:connection',
    {
      config: { quiet: true },
      // Authentication before anything reads the request (401 first, see authenticate_first).
      onRequest: (request, reply, done) => {
        acceptContainerAuthorization(request);
        ctx.auth.requireWorkload(request, reply, done);
      },
      preSerialization: addAwsErrorFields,
      schema: {
        tags: ['workload'],
        operationId: 'getCredentials',
        summary: 'AWS credentials for a connection, in the container-credentials format',
        description:
          'Cached and refreshed ahead of expiry; while STS fails, still-valid credentials keep being served. ' +
          'Errors: 404 `connection_not_found`, 403 `workload_outside_connection_scope` (the connection serves a scope this workload is not in), ' +
          '403 `access_denied` (STS refused; its code and message in details), 503 `sts_unavailable`. ' +
          'Error bodies carry the envelope plus `Code` and `Message`, the fields AWS SDKs read from a container endpoint.',
        security: [{ workloadSecret: [] }],
        headers: {
          type: 'object',
          properties: { authorization: { type: 'string', description: '`Bearer <workload secret>`, or the bare secret as AWS_CONTAINER_AUTHORIZATION_TOKEN sends it' } },
        },
        params: {
          type: 'object',
          required: ['connection'],
          properties: { connection: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration', 'RoleArn'],
            properties: {
              AccessKeyId: { type: 'string' },
              SecretAccessKey: { type: 'string' },
              Token: { type: 'string' },
              Expiration: { type: 'string', format: 'date-time' },
              RoleArn: { type: 'string' },
            },
          },
          401: credentialsErrorSchema,
          403: credentialsErrorSchema,
          404: credentialsErrorSchema,
          422: credentialsErrorSchema,
          503: credentialsErrorSchema,
        },
      },
    },
    (request, reply) => {
      const workload = workloadOf(request);
      const name = request.params.connection;
      // Cache hits answer synchronously (no await on the hot path); everything else goes the async way.
      const connection = ctx.connections.lookup.peekFor(workload, name);
      const cached = connection && ctx.broker.broker.peekCredentials(workload, connection);
      if (cached) return sendCredentials(reply, cached);
      return (async () => {
        const resolved = connection ?? (await ctx.connections.lookup.requireFor(workload, name));
        return sendCredentials(reply, await ctx.broker.broker.getCredentials(workload, resolved));
      })();
    },
  );
}
