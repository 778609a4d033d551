import { type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput, createLocalJWKSet, errors } from 'jose';
import { STS_ISSUER_FETCH } from '../../policy/index.js';
import { AwsError } from '../aws_error.js';
import { isLoopbackHost } from '../iam/provider_url.js';

/**
 * Fetches an issuer's discovery document and JWKS over HTTP as STS does, and caches them for as
 * long as the responses' `Cache-Control: max-age` allows (no header, `no-cache` or `no-store`:
 * not cached — GitLab's outage showed STS refetching on `no-cache`, FIELD-NOTES). An unknown `kid`
 * on a cached set triggers one refetch, so a rotated key works without waiting for expiry.
 * Every failure is STS's one answer: "Couldn't retrieve verification key…" (AWS-REFERENCE §1.6).
 */
export const VERIFICATION_KEY_UNAVAILABLE =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

/** Largest discovery or JWKS document read; larger is a fetch failure (STS_ISSUER_FETCH, shared with the doctor). */
export const MAX_DOCUMENT_BYTES = STS_ISSUER_FETCH.maxDocumentBytes;

/** An unknown `kid` refetches an issuer's JWKS at most once per this long; other unknown kids meanwhile fail. */
export const UNKNOWN_KID_REFETCH_INTERVAL_MS = 30_000;

interface CachedKeys {
  jwks: JSONWebKeySet;
  /** ms since the epoch; 0 means "use once". */
  freshUntil: number;
}

export type VerificationKey = Awaited<ReturnType<ReturnType<typeof createLocalJWKSet>>>;

export class IssuerKeyCache {
  private readonly cache = new Map<string, CachedKeys>();
  private readonly lastUnknownKidRefetch = new Map<string, number>();

  constructor(private readonly timeoutMs: number = STS_ISSUER_FETCH.timeoutMs) {}

  /** The key that verifies a token with `header` from `issuer`, or InvalidIdentityToken. */
  async keyFor(issuer: string, header: JWSHeaderParameters, now: number): Promise<VerificationKey> {
    const cached = this.cache.get(issuer);
    if (cached !== undefined && cached.freshUntil > now) {
      const key = await selectKey(cached.jwks, header);
      if (key !== undefined) return key;
      // A relying party refetches on an unknown kid (a rotation), but not for every such token: a stream of
      // tokens with made-up kids must not turn into a stream of fetches at the issuer.
      const last = this.lastUnknownKidRefetch.get(issuer);
      if (last !== undefined && now - last < UNKNOWN_KID_REFETCH_INTERVAL_MS) throw keyUnavailable();
      this.lastUnknownKidRefetch.set(issuer, now);
    }
    const fetched = await this.fetchKeys(issuer, now);
    const key = await selectKey(fetched.jwks, header);
    if (key === undefined) throw keyUnavailable();
    return key;
  }

  clear(): void {
    this.cache.clear();
    this.lastUnknownKidRefetch.clear();
  }

  private async fetchKeys(issuer: string, now: number): Promise<CachedKeys> {
    const discovery = await this.fetchJson(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    const jwksUri = (discovery.body as { jwks_uri?: unknown }).jwks_uri;
    if (typeof jwksUri !== 'string' || !isRetrievableKeyUrl(jwksUri)) throw keyUnavailable();
    const jwks = await this.fetchJson(jwksUri);
    if (!Array.isArray((jwks.body as { keys?: unknown }).keys)) throw keyUnavailable();
    const maxAge = Math.min(discovery.maxAgeSeconds, jwks.maxAgeSeconds);
    const entry = { jwks: jwks.body as JSONWebKeySet, freshUntil: maxAge > 0 ? now + maxAge * 1000 : 0 };
    this.cache.set(issuer, entry);
    return entry;
  }

  private async fetchJson(url: string): Promise<{ body: unknown; maxAgeSeconds: number }> {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { accept: 'application/json' },
        // A redirect is not followed (STS_ISSUER_FETCH): its 3xx is a failure like any status but 200.
        redirect: STS_ISSUER_FETCH.redirect,
      });
      if (response.status !== STS_ISSUER_FETCH.status) {
        await response.body?.cancel().catch(() => undefined);
        throw keyUnavailable();
      }
      const body: unknown = JSON.parse(await readCapped(response, MAX_DOCUMENT_BYTES));
      if (typeof body !== 'object' || body === null) throw keyUnavailable();
      return { body, maxAgeSeconds: maxAgeOf(response.headers.get('cache-control')) };
    } catch (error) {
      if (error instanceof AwsError) throw error;
      throw keyUnavailable();
    }
  }
}

/** The body as text, refusing (and cancelling) one larger than `limit` bytes before it is all in memory. */
async function readCapped(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw keyUnavailable();
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw keyUnavailable();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * STS fetches the JWKS over HTTPS only (AWS-REFERENCE §2.8); like provider URLs, plain http is the
 * emulator's exception for loopback hosts. Anything else (http elsewhere, data:, file:) is refused
 * rather than fetched: the discovery document is the issuer's to write, the rule is STS's.
 */
function isRetrievableKeyUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
}

function maxAgeOf(cacheControl: string | null): number {
  if (cacheControl === null) return 0;
  const directives = cacheControl.toLowerCase().split(',').map((d) => d.trim());
  if (directives.includes('no-cache') || directives.includes('no-store')) return 0;
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  const seconds = maxAge === undefined ? 0 : Number.parseInt(maxAge.slice('max-age='.length), 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** jose's JWKS selection: by `kid` when present, else the single key fitting `alg`. */
async function selectKey(jwks: JSONWebKeySet, header: JWSHeaderParameters): Promise<VerificationKey | undefined> {
  try {
    return await createLocalJWKSet(jwks)(header, {} as FlattenedJWSInput);
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return undefined;
    if (error instanceof errors.JOSEError) return undefined;
    throw error;
  }
}

function keyUnavailable(): AwsError {
  return new AwsError('InvalidIdentityToken', 400, VERIFICATION_KEY_UNAVAILABLE);
}
