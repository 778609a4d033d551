import { createRemoteJWKSet, customFetch, errors, type FlattenedJWSInput, type JWSHeaderParameters, type CryptoKey } from 'jose';
import { UnavailableError } from '../../core/index.js';
import { InvalidTokenError } from './invalid_token_error.js';

export interface IdpKeySetOptions {
  issuer: string;
  /** Skip discovery and read keys here. */
  jwksUrl?: string | undefined;
  fetch?: typeof fetch;
  /** How long an unknown `kid` must wait before the JWKS is fetched again (bounded refetch rate). */
  cooldownMs?: number;
}

export interface IdpStatus {
  reachable: boolean;
  /** Keys held in memory: they keep verifying tokens while the IdP is down. */
  cachedKeys: number;
  /** Why the last fetch failed, as a short code (never a response body). */
  lastError?: string;
  lastFetchedAt?: string;
}

const DEFAULT_MAX_AGE_MS = 10 * 60_000;
const MIN_MAX_AGE_MS = 30_000;
const MAX_MAX_AGE_MS = 24 * 3_600_000;

/** `Cache-Control: max-age=N` (bounded), else 10 minutes; `no-store`/`no-cache` mean the minimum. */
function freshnessOf(cacheControl: string | null): number {
  if (!cacheControl) return DEFAULT_MAX_AGE_MS;
  if (/\bno-(store|cache)\b/i.test(cacheControl)) return MIN_MAX_AGE_MS;
  const match = /\bmax-age=(\d+)/i.exec(cacheControl);
  if (!match) return DEFAULT_MAX_AGE_MS;
  return Math.min(MAX_MAX_AGE_MS, Math.max(MIN_MAX_AGE_MS, Number(match[1]) * 1000));
}

class IdpFetchError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * The IdP's signing keys: discovery (once it succeeds) then `jwks_uri` through jose's remote key set.
 * Freshness follows the JWKS response's Cache-Control; a stale set is refreshed in the background, so keys
 * already held keep verifying tokens through an IdP outage; an unknown `kid` refetches at most once per cooldown.
 */
export class IdpKeySet {
  private jwksUrl: string | undefined;
  private remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  private freshUntil = 0;
  private lastError: string | undefined;
  private lastFetchedAt: number | undefined;
  private lastProbeAt = 0;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: IdpKeySetOptions) {
    this.jwksUrl = options.jwksUrl;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The discovery document URL: `{issuer}/.well-known/openid-configuration`. */
  get discoveryUrl(): string {
    return `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  }

  private async resolveJwksUrl(): Promise<string> {
    if (this.jwksUrl !== undefined) return this.jwksUrl;
    const response = await this.fetchImpl(this.discoveryUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000), redirect: 'manual' }).catch(() => {
      throw new IdpFetchError('discovery_unreachable');
    });
    if (response.status !== 200) throw new IdpFetchError(`discovery_http_${response.status}`);
    const document = (await response.json().catch(() => undefined)) as { issuer?: unknown; jwks_uri?: unknown } | undefined;
    if (document?.issuer !== this.options.issuer) throw new IdpFetchError('discovery_issuer_mismatch');
    if (typeof document.jwks_uri !== 'string') throw new IdpFetchError('discovery_without_jwks_uri');
    this.jwksUrl = document.jwks_uri;
    return this.jwksUrl;
  }

  private async remoteSet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.remote) return this.remote;
    const url = await this.resolveJwksUrl();
    const recordingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const response = await this.fetchImpl(input, init).catch((error: unknown) => {
        this.lastError = 'jwks_unreachable';
        throw error;
      });
      if (response.status === 200) {
        this.freshUntil = Date.now() + freshnessOf(response.headers.get('cache-control'));
        this.lastFetchedAt = Date.now();
        this.lastError = undefined;
      } else {
        this.lastError = `jwks_http_${response.status}`;
      }
      return response;
    };
    this.remote = createRemoteJWKSet(new URL(url), {
      // Freshness is ours (Cache-Control, refreshed in the background): jose must never drop keys it holds.
      cacheMaxAge: Number.POSITIVE_INFINITY,
      cooldownDuration: this.options.cooldownMs ?? 30_000,
      timeoutDuration: 5000,
      [customFetch]: recordingFetch,
    });
    return this.remote;
  }

  /** jose's key resolver for `jwtVerify`. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    let remote: ReturnType<typeof createRemoteJWKSet>;
    try {
      remote = await this.remoteSet();
    } catch (error) {
      throw this.unavailable(error);
    }
    if (remote.jwks() !== undefined && Date.now() >= this.freshUntil && !remote.reloading) {
      remote.reload().catch(() => undefined); // recorded by the fetch; the keys held keep working meanwhile
    }
    try {
      return (await remote(header, token)) as CryptoKey;
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw new InvalidTokenError('unknown_key');
      if (error instanceof errors.JOSENotSupported) throw new InvalidTokenError('algorithm');
      throw this.unavailable(error);
    }
  };

  private unavailable(error: unknown): UnavailableError {
    if (error instanceof IdpFetchError) this.lastError = error.code;
    else this.lastError ??= 'jwks_unreachable';
    return new UnavailableError('idp_unavailable', "The identity provider's keys cannot be fetched right now; try again, or use an API key.", {
      reason: this.lastError,
    });
  }

  /** For `/readyz`: refetches the keys (so an outage shows) at most once per 15 s, then reports. */
  async status(): Promise<IdpStatus> {
    if (Date.now() - this.lastProbeAt > 15_000) {
      this.lastProbeAt = Date.now();
      try {
        const remote = await this.remoteSet();
        await remote.reload();
      } catch (error) {
        if (error instanceof IdpFetchError) this.lastError = error.code;
        else this.lastError ??= 'jwks_unreachable';
      }
    }
    const held = this.remote?.jwks()?.keys.length ?? 0;
    return {
      reachable: this.lastError === undefined && this.lastFetchedAt !== undefined,
      cachedKeys: held,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.lastFetchedAt === undefined ? {} : { lastFetchedAt: new Date(this.lastFetchedAt).toISOString() }),
    };
  }
}
