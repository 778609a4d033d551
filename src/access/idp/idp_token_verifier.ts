import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OperatorAuthConfig } from '../../config/index.js';
import type { RoleGrant } from '../roles.js';
import type { IdpKeySet } from './idp_key_set.js';
import { InvalidTokenError } from './invalid_token_error.js';
import { isOwnTenantIssuer } from './own_issuer.js';
import { securityContextOf } from './security_context.js';

/** Clock skew allowed on exp, nbf and iat. */
export const CLOCK_SKEW_SECONDS = 60;

/** A verified IdP user. */
export interface IdpIdentity {
  sub: string;
  email?: string;
  issuer: string;
  grants: RoleGrant[];
  /** The namespace claim's content, when configured and present. */
  context: Record<string, unknown> | undefined;
}

function audiencesOf(payload: JWTPayload): string[] {
  if (typeof payload.aud === 'string') return [payload.aud];
  return Array.isArray(payload.aud) ? payload.aud.filter((value): value is string => typeof value === 'string') : [];
}

/**
 * Verifies the bearer tokens of the platform's IdP: ID tokens (`aud`) and access tokens (`client_id`,
 * Cognito's `token_use: access`), `iss` byte for byte, the algorithm allow-list, the signature against the
 * IdP's JWKS, `exp`/`nbf`/`iat` with 60 s skew. A token of one of rolebridge's own tenant issuers is refused first.
 */
export class IdpTokenVerifier {
  constructor(
    private readonly config: OperatorAuthConfig,
    private readonly keys: IdpKeySet,
    private readonly issuerTemplate: () => string,
  ) {}

  async verify(token: string, now: number): Promise<IdpIdentity> {
    let unverified: JWTPayload;
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      unverified = decodeJwt(token);
    } catch {
      throw new InvalidTokenError('malformed');
    }
    if (typeof unverified.iss === 'string' && isOwnTenantIssuer(this.issuerTemplate(), unverified.iss)) throw new InvalidTokenError('rolebridge_issuer');
    if (typeof alg !== 'string' || !this.config.algorithms.includes(alg)) throw new InvalidTokenError('algorithm');
    if (unverified.iss !== this.config.issuer) throw new InvalidTokenError('issuer');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys.getKey, {
        issuer: this.config.issuer,
        algorithms: this.config.algorithms,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(now),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw mapJoseError(error);
    }
    if (typeof payload.iat === 'number' && payload.iat > now / 1000 + CLOCK_SKEW_SECONDS) throw new InvalidTokenError('issued_in_future');
    this.checkAudience(payload);
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('missing_subject');

    const { grants, context } = securityContextOf(payload, { claimsNamespace: this.config.claimsNamespace, rolesClaim: this.config.rolesClaim });
    const email = typeof payload.email === 'string' ? payload.email : undefined;
    return { sub: payload.sub, ...(email === undefined ? {} : { email }), issuer: this.config.issuer, grants, context };
  }

  /** ID tokens name the client in `aud`; access tokens in `client_id` (Cognito's carry no `aud`). */
  private checkAudience(payload: JWTPayload): void {
    const tokenUse = payload.token_use;
    if (tokenUse !== undefined && tokenUse !== 'id' && tokenUse !== 'access') throw new InvalidTokenError('token_use');
    const accepted = (value: unknown): boolean => typeof value === 'string' && this.config.audiences.includes(value);
    const byAudience = audiencesOf(payload).some(accepted);
    const byClient = accepted(payload.client_id);
    const ok = tokenUse === 'id' ? byAudience : tokenUse === 'access' ? byClient : byAudience || byClient;
    if (!ok) throw new InvalidTokenError('audience');
  }
}

function mapJoseError(error: unknown): unknown {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new InvalidTokenError('not_yet_valid');
    if (error.claim === 'iss') return new InvalidTokenError('issuer');
    if (error.claim === 'iat') return new InvalidTokenError('issued_in_future');
    return new InvalidTokenError('malformed');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError('algorithm');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('signature');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new InvalidTokenError('malformed');
  return error; // idp_unavailable and anything unexpected pass through
}
