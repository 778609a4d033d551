import type { BrokerWorkload, MintedToken, TokenSource } from './token_source.js';

/** The one thing the broker needs from the issuer (structurally the issuer's `issueToken`). */
export interface TokenIssuer<W extends BrokerWorkload> {
  issueToken(workload: W, request: { tokenConfig?: string }): Promise<{ token: string; expiresAt: string; jti: string }>;
}

/**
 * Adapts the issuer to the broker's TokenSource. The claims come from the token's own payload,
 * so the doctor sees exactly what STS saw.
 */
export function issuerTokenSource<W extends BrokerWorkload>(issuer: TokenIssuer<W>): TokenSource<W> {
  return {
    async mint(workload, tokenConfigName): Promise<MintedToken> {
      const issued = await issuer.issueToken(workload, tokenConfigName === undefined ? {} : { tokenConfig: tokenConfigName });
      return { token: issued.token, jti: issued.jti, claims: claimsOf(issued.token), expiresAt: Date.parse(issued.expiresAt) };
    },
  };
}

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
