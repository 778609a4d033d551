import { type JWSHeaderParameters, compactVerify } from 'jose';
import { AwsError } from '../aws_error.js';
import type { AccountRecord, OidcProviderRecord } from '../emulator_state.js';
import type { IssuerKeyCache } from './issuer_key_cache.js';

/**
 * STS's checks on a web identity token, in this order (AWS documents the checks, not their order —
 * AWS-REFERENCE §2.11; the order is ours and stays fixed):
 *   1. a compact JWS with a JSON header and payload, signed with RS256/384/512 or ES256/384/512;
 *   2. an OIDC provider in the role's account whose URL equals `iss` exactly (case-sensitive);
 *   3. `aud` present, and `azp` when present else `aud` in the provider's client ids;
 *   4. `sub` present;
 *   5. the signature, with a key from the issuer's JWKS fetched over HTTP;
 *   6. `exp` (required) with AWS's 5-minute grace; `nbf` and `iat` not later than 5 minutes ahead.
 * Token contents are never echoed in errors beyond what AWS itself echoes (`iss`, epochs).
 */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/** "IAM provides a five minute window beyond the expiration time … to account for clock skew" (AWS-REFERENCE §2.5). */
const CLOCK_SKEW_SECONDS = 300;

/**
 * The furthest `exp` accepted: 7 days ahead. AWS documents no maximum (AWS-REFERENCE §2.6); real issuers mint
 * minutes to hours (Kubernetes 24 h, some CIs 12 h). A far-future `exp` must not make a token eternal here.
 */
const MAX_EXPIRY_AHEAD_SECONDS = 7 * 86_400;

export interface VerifiedWebIdentity {
  claims: Record<string, unknown>;
  provider: OidcProviderRecord;
  issuer: string;
  subject: string;
  /** The client id that matched (`azp` when present, else the matching `aud`). */
  audience: string;
}

function invalidToken(message: string): AwsError {
  return new AwsError('InvalidIdentityToken', 400, message);
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function verifyWebIdentityToken(options: {
  token: string;
  account: AccountRecord | undefined;
  issuerKeys: IssuerKeyCache;
  now: number;
}): Promise<VerifiedWebIdentity> {
  const { token, account, issuerKeys, now } = options;
  // 1. Structure and algorithm. An empty signature part ("unsigned token with a trailing dot") is refused here.
  const parts = token.split('.');
  const header = parts.length === 3 ? decodePart(parts[0]!) : undefined;
  const claims = parts.length === 3 ? decodePart(parts[1]!) : undefined;
  if (header === undefined || claims === undefined || parts[2] === '' || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) {
    throw invalidToken('The web identity token is not a valid signed JSON Web Token.');
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !ALLOWED_ALGORITHMS.includes(alg)) {
    throw invalidToken(
      `Unsupported JWT signing algorithm ${typeof alg === 'string' ? alg : 'missing'}: tokens must be signed using either RSA keys (RS256, RS384, or RS512) or ECDSA keys (ES256, ES384, or ES512).`,
    );
  }

  // 2. Provider by exact issuer.
  const issuer = claims.iss;
  if (typeof issuer !== 'string' || issuer === '') throw invalidToken('Missing a required claim: iss');
  const provider = Object.values(account?.oidcProviders ?? {}).find((p) => p.url === issuer);
  if (provider === undefined) throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);

  // 3. Audience.
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === 'string') : [];
  if (audiences.length === 0) throw invalidToken('Missing a required claim: aud');
  const candidates = typeof claims.azp === 'string' ? [claims.azp] : audiences;
  const audience = candidates.find((candidate) => provider.clientIds.includes(candidate));
  if (audience === undefined) throw invalidToken('Incorrect token audience');

  // 4. Subject.
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidToken('Missing a required claim: sub');

  // 5. Signature.
  const key = await issuerKeys.keyFor(issuer, header as JWSHeaderParameters, now);
  try {
    await compactVerify(token, key, { algorithms: ALLOWED_ALGORITHMS });
  } catch {
    throw invalidToken('The web identity token signature could not be verified.');
  }

  // 6. Time, in whole seconds as AWS reports them.
  const nowSeconds = Math.floor(now / 1000);
  for (const name of ['exp', 'nbf', 'iat']) {
    const value = claims[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)) {
      // "Timestamps in the token must be formatted as either an integer or a long integer." (STS model)
      throw invalidToken(`Invalid claim ${name}: timestamps must be integers.`);
    }
  }
  const exp = claims.exp as number | undefined;
  if (exp === undefined) throw invalidToken('Missing a required claim: exp');
  if (nowSeconds > exp + CLOCK_SKEW_SECONDS) {
    throw new AwsError(
      'ExpiredTokenException',
      400,
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${exp}`,
    );
  }
  if (exp > nowSeconds + MAX_EXPIRY_AHEAD_SECONDS) {
    // 1e308, 2^53-1, year 9999: not a token that "never expires" but one no issuer meant (emulator decision, README).
    throw invalidToken(`Token expiration date/time ${exp} is too far in the future: current date/time ${nowSeconds}`);
  }
  const nbf = claims.nbf as number | undefined;
  if (nbf !== undefined && nbf > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw invalidToken(`Token is not yet valid: current date/time ${nowSeconds} must be after the not-before date/time ${nbf}`);
  }
  const iat = claims.iat as number | undefined;
  if (iat !== undefined && iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw invalidToken(`Token issued in the future: current date/time ${nowSeconds} must be after the issued-at date/time ${iat}`);
  }
  return { claims, provider, issuer, subject: claims.sub, audience };
}
