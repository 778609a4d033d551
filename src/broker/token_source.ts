/** The workload a broker call is for: who the token names. */
export interface BrokerWorkload {
  id: string;
  tenantId: string;
  /**
   * The token's `sub` when the caller knows it; part of the cache key because it is what AWS trust
   * policies pin. Workload id + token config name already determine it for immutable configs.
   */
  subject?: string;
}

export interface MintedToken {
  token: string;
  jti: string;
  claims: Record<string, unknown>;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Where web-identity tokens come from. The issuer provides it; the broker never reaches into
 * issuer internals, and tests can hand it any issuer that AWS (or the emulator) trusts.
 */
export interface TokenSource<W extends BrokerWorkload = BrokerWorkload> {
  mint(workload: W, tokenConfigName?: string): Promise<MintedToken>;
}
