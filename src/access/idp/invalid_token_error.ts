import { RolebridgeError } from '../../core/index.js';

/**
 * Which check an IdP bearer token failed. The reason names the check, never the token or its claims.
 */
export type InvalidTokenReason =
  | 'malformed'
  | 'algorithm'
  | 'issuer'
  | 'rolebridge_issuer'
  | 'audience'
  | 'token_use'
  | 'unknown_key'
  | 'signature'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'missing_subject'
  | 'idp_not_configured';

const MESSAGES: Record<InvalidTokenReason, string> = {
  malformed: 'The bearer token is not a well-formed JWT.',
  algorithm: 'The token is signed with an algorithm that is not allowed (ROLEBRIDGE_AUTH_JWT_ALGS; never none or HS*).',
  issuer: 'The token was issued by another issuer than ROLEBRIDGE_AUTH_JWT_ISSUER (compared byte for byte).',
  rolebridge_issuer: "The token was issued by one of rolebridge's own tenant issuers: a workload token is never an operator identity.",
  audience: 'The token was issued to a client that is not in ROLEBRIDGE_AUTH_JWT_AUDIENCE (aud of an ID token, client_id of an access token).',
  token_use: "The token's token_use is neither 'id' nor 'access'.",
  unknown_key: "The token's signing key is not in the IdP's JWKS.",
  signature: 'The token signature does not verify.',
  expired: 'The token has expired.',
  not_yet_valid: 'The token is not valid yet (nbf).',
  issued_in_future: 'The token was issued in the future (iat).',
  missing_subject: 'The token has no sub claim.',
  idp_not_configured: 'This server accepts no IdP tokens (ROLEBRIDGE_AUTH_JWT_ISSUER is not set); use an API key.',
};

/** 401 `invalid_token` with `details.reason`. */
export class InvalidTokenError extends RolebridgeError {
  readonly reason: InvalidTokenReason;

  constructor(reason: InvalidTokenReason) {
    super('invalid_token', MESSAGES[reason], { status: 401, details: { reason } });
    this.reason = reason;
  }
}
