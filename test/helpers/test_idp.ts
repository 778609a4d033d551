import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID Provider for tests: panva's certified `oidc-provider`, with discovery, JWKS, the
 * authorization-code flow (PKCE) and Cognito-shaped tokens, as a platform's user pool issues them:
 * - ID tokens carry `token_use: "id"`, `cognito:groups`, `email`, and the seed's namespace claim
 *   `"http://localhost:4000/": JSON.stringify({company_id, user_id, roles})`;
 * - access tokens are JWTs with `client_id`, `token_use: "access"` and `cognito:groups`.
 * Sign-in needs no browser: the interaction signs in `nextAccount` at once (tests pick who signs in).
 */
export const NAMESPACE = 'http://localhost:4000/';
export const CONSOLE_CLIENT_ID = 'rolebridge-console';
export const CONSOLE_CLIENT_SECRET = 'console-secret-0123456789abcdef0123456789';
const API_RESOURCE = 'urn:rolebridge:api';

export interface TestAccount {
  email?: string;
  /** Roles in the namespace claim (the seed's `roles`). */
  roles?: string[];
  /** `cognito:groups`. */
  groups?: string[];
  companyId?: string;
}

export interface TestIdp {
  issuer: string;
  accounts: Map<string, TestAccount>;
  /** The account the next authorization request signs in. */
  nextAccount: string;
  /** Environment that points rolebridge at this IdP (the seed's claim format). */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The IdP's own private signing key (served in its JWKS): sign arbitrary tokens for refusal tests. */
  privateKey: CryptoKey;
  kid: string;
  /** Signs a token with the IdP's key (or `key`/`kid` given); iss, iat and exp default to valid values. */
  sign(claims: JWTPayload, options?: { alg?: string; kid?: string; key?: CryptoKey | Uint8Array; now?: number }): Promise<string>;
  /** Requests the JWKS and discovery answered: `false` simulates an outage (connection reset). */
  setReachable(reachable: boolean): void;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

export async function startTestIdp(): Promise<TestIdp> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'idp-key-1';
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, TestAccount>();
  let reachable = true;
  let jwksFetches = 0;
  // Filled once the server's port (the issuer) is known.
  const mounted: { provider?: Provider; callback?: (req: IncomingMessage, res: ServerResponse) => void } = {};

  const state = { nextAccount: 'alice' };
  const server: Server = createServer((req, res) => {
    if (!reachable) {
      req.socket.destroy();
      return;
    }
    if (req.url?.startsWith('/jwks')) jwksFetches++;
    if (req.url?.startsWith('/interaction/') && mounted.provider) {
      void signInNext(mounted.provider, req, res, state.nextAccount);
      return;
    }
    mounted.callback?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accountOf = (id: string): TestAccount => accounts.get(id) ?? {};
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_secret: CONSOLE_CLIENT_SECRET,
        // native: loopback redirect URIs match on any port (RFC 8252), so the test server's port 0 works
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/auth/callback', 'http://localhost/auth/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [privateJwk] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'rolebridge'],
    // As a Cognito pre-token-generation trigger does: the custom claims ride on every ID token (scope openid).
    claims: { openid: ['sub', 'token_use', 'cognito:groups', NAMESPACE], email: ['email', 'email_verified'], rolebridge: [] },
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'rolebridge', audience: API_RESOURCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // First-party client: no consent screen; the grant covers what it asks for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope('openid email profile rolebridge');
      grant.addOIDCClaims(['token_use', 'cognito:groups', NAMESPACE, 'email']);
      grant.addResourceScope(API_RESOURCE, 'rolebridge');
      await grant.save();
      return grant;
    },
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => ({
      accountId: id,
      claims: () => {
        const account = accountOf(id);
        return {
          sub: id,
          token_use: 'id',
          ...(account.email === undefined ? {} : { email: account.email, email_verified: true }),
          ...(account.groups === undefined ? {} : { 'cognito:groups': account.groups }),
          ...(account.roles === undefined
            ? {}
            : { [NAMESPACE]: JSON.stringify({ company_id: account.companyId ?? 'company1', user_id: id, roles: account.roles }) }),
        };
      },
    }),
    extraTokenClaims: (_ctx: KoaContextWithOIDC, token: { kind: string; accountId?: string; clientId?: string }) => {
      if (token.kind !== 'AccessToken' || token.accountId === undefined) return undefined;
      const account = accountOf(token.accountId);
      return {
        token_use: 'access',
        client_id: token.clientId,
        username: token.accountId,
        ...(account.groups === undefined ? {} : { 'cognito:groups': account.groups }),
        ...(account.roles === undefined ? {} : { [NAMESPACE]: JSON.stringify({ company_id: account.companyId ?? 'company1', user_id: token.accountId, roles: account.roles }) }),
      };
    },
    routes: { jwks: '/jwks' },
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 600 },
  } as ConstructorParameters<typeof Provider>[1]);
  mounted.provider = provider;
  mounted.callback = provider.callback();

  return {
    issuer,
    accounts,
    get nextAccount() {
      return state.nextAccount;
    },
    set nextAccount(value: string) {
      state.nextAccount = value;
    },
    env: (extra = {}) => ({
      ROLEBRIDGE_AUTH_JWT_ISSUER: issuer,
      ROLEBRIDGE_AUTH_JWT_AUDIENCE: CONSOLE_CLIENT_ID,
      ROLEBRIDGE_AUTH_JWT_CLAIMS_NAMESPACE: NAMESPACE,
      ROLEBRIDGE_AUTH_JWT_ROLES_CLAIM: 'roles',
      ROLEBRIDGE_AUTH_JWT_CLIENT_SECRET: CONSOLE_CLIENT_SECRET,
      ...extra,
    }),
    privateKey,
    kid,
    async sign(claims, options = {}) {
      const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
      return new SignJWT({ iss: issuer, iat: nowSeconds, exp: nowSeconds + 3600, ...claims })
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid, typ: 'JWT' })
        .sign(options.key ?? privateKey);
    },
    setReachable(value) {
      reachable = value;
    },
    jwksFetches: () => jwksFetches,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function signInNext(provider: Provider, req: IncomingMessage, res: ServerResponse, accountId: string): Promise<void> {
  try {
    const details = await provider.interactionDetails(req, res);
    const result = details.prompt.name === 'login' ? { login: { accountId } } : { consent: {} };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
}

/**
 * Signs `account` in at the IdP with the authorization-code flow + PKCE as the console's client would, and
 * returns the IdP's tokens. openid-client is the relying party; redirects are followed by a cookie-keeping client.
 */
export async function tokensFromIdp(idp: TestIdp, account: string): Promise<{ idToken: string; accessToken: string }> {
  const client = await import('openid-client');
  const { BrowserlessClient } = await import('./browserless_client.js');
  const config = await client.discovery(new URL(idp.issuer), CONSOLE_CLIENT_ID, CONSOLE_CLIENT_SECRET, undefined, { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const redirectUri = 'http://127.0.0.1:9/auth/callback';
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email rolebridge',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  idp.nextAccount = account;
  const landed = await new BrowserlessClient().follow(authorizationUrl, { stopAt: redirectUri });
  const tokens = await client.authorizationCodeGrant(config, new URL(landed.url), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  if (tokens.id_token === undefined) throw new Error('the IdP returned no ID token');
  return { idToken: tokens.id_token, accessToken: tokens.access_token };
}
