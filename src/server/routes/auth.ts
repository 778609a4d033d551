import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, CSRF_COOKIE, safeCliRedirect, safeReturnTo, SESSION_COOKIE, type NewSession } from '../../access/index.js';
import { InvalidInputError, NotFoundError, UnauthenticatedError } from '../../core/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import type { RouteContext } from './route_context.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `Secure` everywhere but plain http on a loopback address (local development). */
function secureCookies(request: FastifyRequest): boolean {
  return request.protocol === 'https' || !LOOPBACK.has(request.hostname);
}

function setSessionCookies(request: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: secureCookies(request), expires: new Date(session.expiresAt) };
  reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  // Readable by the console's script, which echoes it in X-CSRF-Token on every change.
  reply.setCookie(CSRF_COOKIE, session.csrf, { ...common, httpOnly: false });
}

function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: secureCookies(request) };
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, common);
}

/** `returnTo` with `signin_error=<code>`: the console shows why the sign-in did not give a session. */
function withSignInError(returnTo: string, code: string): string {
  return `${returnTo}${returnTo.includes('?') ? '&' : '?'}signin_error=${code}`;
}

/**
 * Sign-in for people: the console's authorization-code flow with the IdP (`/auth/login` → IdP → `/auth/callback`
 * → session cookie), logout, and the hand-off `rolebridge login` uses to get a session of its own.
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const signInOf = () => {
    if (!ctx.signIn) throw new NotFoundError('idp_not_configured', 'Sign-in with an identity provider is not configured (ROLEBRIDGE_AUTH_JWT_ISSUER); use an API key.');
    return ctx.signIn;
  };

  app.get(
    '/auth/config',
    {
      schema: {
        tags: ['access'],
        operationId: 'getAuthConfig',
        security: [],
        summary: 'Public: whether the console offers sign-in with an identity provider',
        response: { 200: { type: 'object', required: ['idp'], properties: { idp: { type: 'boolean' }, issuer: { type: 'string' } } } },
      },
    },
    async () => (ctx.config.operatorAuth === undefined ? { idp: false } : { idp: true, issuer: ctx.config.operatorAuth.issuer }),
  );

  app.get<{ Querystring: { returnTo?: string; cli_redirect?: string; cli_challenge?: string } }>(
    '/auth/login',
    {
      schema: {
        tags: ['access'],
        operationId: 'startSignIn',
        security: [],
        summary: 'Starts the sign-in: redirects to the identity provider (authorization code + PKCE)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            returnTo: { type: 'string', maxLength: 2000, description: 'A path on this server to land on after sign-in (default `/`)' },
            cli_redirect: { type: 'string', maxLength: 300, description: '`rolebridge login`: its loopback listener' },
            cli_challenge: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$', description: '`rolebridge login`: S256 challenge of its verifier' },
          },
        },
        response: { 302: { type: 'null', description: 'To the identity provider' }, 400: errorResponseSchema, 404: errorResponseSchema, 503: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const signIn = signInOf();
      const { cli_redirect: cliRedirect, cli_challenge: cliChallenge } = request.query;
      if ((cliRedirect === undefined) !== (cliChallenge === undefined)) {
        throw new InvalidInputError('invalid_cli_redirect', 'cli_redirect and cli_challenge go together.');
      }
      const url = await signIn.start(
        {
          origin: `${request.protocol}://${request.host}`,
          returnTo: safeReturnTo(request.query.returnTo),
          ...(cliRedirect !== undefined && cliChallenge !== undefined ? { cli: { redirect: safeCliRedirect(cliRedirect), challenge: cliChallenge } } : {}),
        },
        ctx.now(),
      );
      return reply.header('cache-control', 'no-store').redirect(url.href, 302);
    },
  );

  app.get(
    '/auth/callback',
    {
      schema: {
        tags: ['access'],
        operationId: 'completeSignIn',
        security: [],
        summary: "The identity provider's redirect back: checks state, nonce and PKCE, starts the session",
        response: { 303: { type: 'null', description: 'To returnTo (console) or the CLI listener' }, 400: errorResponseSchema, 401: errorResponseSchema, 503: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      const finished = await signInOf().finish(query, ctx.now());
      reply.header('cache-control', 'no-store');
      if (finished.identity.grants.length === 0) {
        if (finished.cli) return reply.redirect(`${finished.cli.redirect}?error=no_role`, 303);
        return reply.redirect(withSignInError(finished.returnTo, 'no_role'), 303);
      }
      const session = await ctx.sessions.create(finished.identity, ctx.now(), finished.cli?.challenge);
      const actor = { type: 'user', sub: finished.identity.sub, ...(finished.identity.email === undefined ? {} : { email: finished.identity.email }), issuer: finished.identity.issuer };
      await ctx.audit.record({
        actor: JSON.stringify(actor),
        action: 'operator.signed_in',
        requestId: request.id,
        details: { via: finished.cli ? 'cli' : 'console', roles: finished.identity.grants },
      });
      if (finished.cli) {
        const target = new URL(finished.cli.redirect);
        target.searchParams.set('code', session.handoff as string);
        return reply.redirect(target.href, 303);
      }
      setSessionCookies(request, reply, session);
      return reply.redirect(finished.returnTo, 303);
    },
  );

  app.post(
    '/auth/logout',
    {
      preHandler: ctx.auth.requireOperator,
      schema: {
        tags: ['access'],
        operationId: 'signOut',
        summary: 'Ends the session now, on every replica (cookie callers send X-CSRF-Token)',
        security: [{ sessionCookie: [] }],
        response: { 204: { type: 'null' }, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request, reply) => {
      if (request.operatorSessionId === undefined) throw new UnauthenticatedError('not_a_session', 'Only a session can sign out; an API key is revoked instead.');
      await ctx.sessions.end(request.operatorSessionId, ctx.now());
      await ctx.audit.record({ actor: actorOf(request), action: 'operator.signed_out', requestId: request.id, details: {} });
      clearSessionCookies(request, reply);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { code: string; verifier: string } }>(
    '/auth/cli/exchange',
    {
      schema: {
        tags: ['access'],
        operationId: 'exchangeCliSignInCode',
        security: [],
        summary: '`rolebridge login`: exchanges the one-time code from the loopback redirect (with the PKCE verifier) for a session token',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'verifier'],
          properties: { code: { type: 'string', maxLength: 100 }, verifier: { type: 'string', minLength: 43, maxLength: 128 } },
        },
        response: {
          200: { type: 'object', required: ['sessionToken', 'expiresAt'], properties: { sessionToken: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } } },
          400: errorResponseSchema,
          401: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const session = await ctx.sessions.exchangeHandoff(request.body.code, request.body.verifier, ctx.now());
      return reply.header('cache-control', 'no-store').send({ sessionToken: session.token, expiresAt: session.expiresAt });
    },
  );
}
