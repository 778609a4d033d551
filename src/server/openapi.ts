import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * OpenAPI 3.1 built from the routes' JSON schemas; served at /openapi.json, browsable at /docs. Each route's
 * schema names its `operationId` (clients generated from this document call it by that name: keep it when a
 * route changes) and its `security` (`[]` on public routes).
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'rolebridge',
        version: process.env.npm_package_version ?? '0.1.0',
        description:
          'Keyless access from a SaaS platform to its customers\' AWS accounts: a multi-tenant OIDC issuer, connections ' +
          'and a credential broker, an IAM trust-policy engine and a doctor. Errors are always ' +
          '`{"error": {"code", "message", "details"}}` with a stable snake_case code.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      // Relative: the API is served by the server that serves this document, whatever host or proxy it sits behind.
      servers: [{ url: '/', description: 'The rolebridge server that serves this document' }],
      components: {
        securitySchemes: {
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (ROLEBRIDGE_ADMIN_TOKEN or one from POST /api-keys) with role admin, operator or viewer, global or for one tenant.',
          },
          idpBearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              "An ID or access token of the platform's IdP (ROLEBRIDGE_AUTH_JWT_*): roles `admin|operator|viewer` or `<tenant>:<role>` from the configured roles claim.",
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'rolebridge_session',
            description: 'A console session after IdP sign-in (GET /auth/login). Changes also need the `X-CSRF-Token` header echoing the `rolebridge_csrf` cookie.',
          },
          workloadSecret: { type: 'http', scheme: 'bearer', description: 'The secret returned once when the workload was created.' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'ROLEBRIDGE_METRICS_TOKEN, required by /metrics only when it is set.' },
          setupCode: { type: 'http', scheme: 'bearer', description: 'A single-use set-up code (`rbs_…`) from POST /tenants/{t}/setup-codes; exchanged once.' },
          setupSession: {
            type: 'http',
            scheme: 'bearer',
            description: 'A set-up session token (`rbss_…`) from POST /setup-sessions: only the routes guided set-up needs, for one tenant and token config.',
          },
        },
      },
      tags: [
        { name: 'health', description: 'Liveness, readiness and metrics' },
        { name: 'issuer', description: 'Public OIDC discovery and JWKS per tenant' },
        { name: 'tenants', description: 'Tenants, token configs, workloads and signing keys' },
        { name: 'workload', description: 'Called by workloads with their secret' },
        { name: 'connections', description: 'Customer AWS roles and their tests' },
        { name: 'setup', description: 'Single-use set-up codes for a customer\'s `rolebridge setup aws`' },
        { name: 'policy', description: 'IAM policy simulation and lint' },
        { name: 'audit', description: 'Audit log' },
        { name: 'access', description: 'Operators: who the caller is and what its roles allow; sign-in with the IdP' },
      ],
    },
  });
  // Every operator route accepts an API key, an IdP token or a console session alike.
  app.addHook('onRoute', (route) => {
    const security = (route.schema as { security?: Array<Record<string, unknown>> } | undefined)?.security;
    if (security?.some((entry) => 'adminToken' in entry) && !security.some((entry) => 'idpBearer' in entry)) {
      security.push({ idpBearer: [] }, { sessionCookie: [] });
    }
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
