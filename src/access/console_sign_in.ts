import * as oidc from 'openid-client';
import { InvalidInputError, RolebridgeError, UnavailableError } from '../core/index.js';
import { hashSecret, toTimestamp, type Store } from '../store/index.js';
import type { IdpIdentity } from './idp/idp_token_verifier.js';
import type { OperatorIdp } from './idp/operator_idp.js';

const SIGN_IN_MS = 10 * 60_000;
const SCOPE = 'openid email profile';

export interface StartSignIn {
  /** `http(s)://host[:port]` the browser reached rolebridge at; `/auth/callback` is added (the IdP must allow it). */
  origin: string;
  /** Where to land after sign-in: a path on this server. */
  returnTo: string;
  /** `rolebridge login`: the CLI's loopback URL and its PKCE challenge (S256) for the hand-off. */
  cli?: { redirect: string; challenge: string };
}

export interface FinishedSignIn {
  identity: IdpIdentity;
  returnTo: string;
  cli?: { redirect: string; challenge: string };
}

/** A local path only (`/…`, not `//host`): the sign-in never redirects elsewhere. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\r\n]/.test(value)) {
    throw new InvalidInputError('invalid_return_to', 'returnTo must be a path on this server, such as `/` or `/tenants/acme`.');
  }
  return value;
}

/** The CLI's listener: http on a loopback address, as RFC 8252 native apps do. */
export function safeCliRedirect(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError('invalid_cli_redirect', 'cli_redirect must be an http://127.0.0.1:<port>/… URL.');
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) || url.username || url.password) {
    throw new InvalidInputError('invalid_cli_redirect', 'cli_redirect must be an http://127.0.0.1:<port>/… URL.');
  }
  return url.href;
}

/**
 * The console's sign-in with the IdP: OpenID Connect authorization code with PKCE (openid-client), `state` and
 * `nonce` checked; the pending sign-in lives in the database, so the callback may land on any replica.
 */
export class ConsoleSignIn {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly idp: OperatorIdp,
    private readonly store: Store,
  ) {}

  /** The console's client id: the first of ROLEBRIDGE_AUTH_JWT_AUDIENCE. */
  get clientId(): string {
    return this.idp.config.audiences[0] as string;
  }

  private discovered(): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const insecure = new URL(this.idp.config.issuer).protocol === 'http:'; // loopback only (config refuses others)
      const secret = this.idp.config.clientSecret;
      this.configuration = oidc
        .discovery(new URL(this.idp.config.issuer), this.clientId, secret, secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret), {
          ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
          timeout: 5,
        })
        .catch((error: unknown) => {
          this.configuration = undefined; // try again next time
          throw new UnavailableError('idp_unavailable', "The identity provider's discovery document cannot be fetched right now.", {
            reason: error instanceof Error && 'code' in error ? String(error.code) : 'discovery_failed',
          });
        });
    }
    return this.configuration;
  }

  /** Records the pending sign-in and returns the IdP's authorization URL to redirect the browser to. */
  async start(request: StartSignIn, now: number): Promise<URL> {
    const configuration = await this.discovered();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const redirectUri = `${request.origin}/auth/callback`;
    await this.store.operatorSessions.insertSignIn({
      stateHash: hashSecret(state),
      codeVerifier: verifier,
      nonce,
      redirectUri,
      returnTo: request.returnTo,
      cliRedirect: request.cli?.redirect ?? null,
      cliChallenge: request.cli?.challenge ?? null,
      createdAt: toTimestamp(now),
      expiresAt: toTimestamp(now + SIGN_IN_MS),
    });
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * The callback: the sign-in named by `state` (single use), the code exchanged with its PKCE verifier, the ID
   * token checked by openid-client (nonce, state) and then by rolebridge's own verifier (roles as for bearers).
   */
  async finish(query: URLSearchParams, now: number): Promise<FinishedSignIn> {
    const state = query.get('state');
    if (state === null) throw new InvalidInputError('invalid_sign_in', 'The callback has no state; start the sign-in again.');
    const pending = await this.store.operatorSessions.takeSignIn(hashSecret(state), toTimestamp(now));
    if (!pending) throw new InvalidInputError('invalid_sign_in', 'This sign-in is unknown, already used or expired; start it again.');
    const idpError = query.get('error');
    if (idpError !== null) {
      throw new RolebridgeError('sign_in_refused', `The identity provider refused the sign-in (${idpError.replace(/[^\w.-]/g, '').slice(0, 64)}).`, { status: 401 });
    }
    const configuration = await this.discovered();
    const callbackUrl = new URL(pending.redirectUri);
    callbackUrl.search = query.toString();
    let idToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (error) {
      throw new RolebridgeError('sign_in_failed', 'The sign-in could not be completed with the identity provider; start it again.', {
        status: 401,
        details: { reason: error instanceof Error && 'code' in error ? String(error.code) : 'code_exchange_failed' },
      });
    }
    const identity = await this.idp.verifier.verify(idToken as string, now);
    return {
      identity,
      returnTo: pending.returnTo,
      ...(pending.cliRedirect !== null && pending.cliChallenge !== null ? { cli: { redirect: pending.cliRedirect, challenge: pending.cliChallenge } } : {}),
    };
  }
}
