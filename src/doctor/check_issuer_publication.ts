import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { isLoopbackHttpIssuer, STS_ISSUER_FETCH } from '../policy/index.js';

/** What fetching discovery + JWKS the way STS does showed. */
export interface IssuerPublication {
  status: 'ok' | 'warning' | 'failed';
  detail: string;
  /** Stable code of the problem, when there is one. */
  problem?: 'issuer_not_https' | 'discovery_unreachable' | 'discovery_issuer_mismatch' | 'jwks_unreachable' | 'jwks_key_mismatch';
  data: { discoveryUrl: string; jwksUri?: string; kid?: string; kids?: string[]; discoveryMs?: number; jwksMs?: number };
}

/**
 * Fetches `<iss>/.well-known/openid-configuration` and its `jwks_uri` over the public issuer URL, as STS
 * does (STS_ISSUER_FETCH, shared with the emulator: 5 s, 200 only, redirects not followed), and checks that the token's signature verifies with a published key. `http://` or a port is a
 * warning: real AWS requires https on 443, only the local emulator accepts them (on loopback).
 */
export async function checkIssuerPublication(token: string, issuer: string, timeoutMs: number = STS_ISSUER_FETCH.timeoutMs): Promise<IssuerPublication> {
  const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const data: IssuerPublication['data'] = { discoveryUrl };
  const kid = headerKid(token);
  if (kid !== undefined) data.kid = kid;

  const discovery = await fetchJson(discoveryUrl, timeoutMs);
  data.discoveryMs = discovery.ms;
  if (!discovery.ok) {
    return { status: 'failed', problem: 'discovery_unreachable', detail: `Discovery document not retrievable: ${discovery.reason}.`, data };
  }
  const document = discovery.body as { issuer?: unknown; jwks_uri?: unknown };
  if (document.issuer !== issuer) {
    return {
      status: 'failed',
      problem: 'discovery_issuer_mismatch',
      detail: `The discovery document names issuer ${JSON.stringify(document.issuer ?? null)}, not the token's iss ${issuer}.`,
      data,
    };
  }
  if (typeof document.jwks_uri !== 'string') {
    return { status: 'failed', problem: 'jwks_unreachable', detail: 'The discovery document has no jwks_uri.', data };
  }
  data.jwksUri = document.jwks_uri;
  const jwks = await fetchJson(document.jwks_uri, timeoutMs);
  data.jwksMs = jwks.ms;
  if (!jwks.ok) return { status: 'failed', problem: 'jwks_unreachable', detail: `JWKS not retrievable: ${jwks.reason}.`, data };
  const keySet = jwks.body as JSONWebKeySet;
  data.kids = Array.isArray(keySet.keys) ? keySet.keys.map((key) => String(key.kid ?? '')) : [];
  try {
    await compactVerify(token, createLocalJWKSet(keySet));
  } catch {
    return {
      status: 'failed',
      problem: 'jwks_key_mismatch',
      detail: `No key in the JWKS verifies the token's signature (kid ${kid ?? 'absent'}; published: ${data.kids.join(', ') || 'none'}).`,
      data,
    };
  }

  const url = new URL(issuer);
  if (url.protocol !== 'https:' || url.port !== '') {
    const where = isLoopbackHttpIssuer(issuer) ? 'acceptable only for the local emulator' : 'AWS will refuse it';
    return {
      status: 'warning',
      problem: 'issuer_not_https',
      detail: `Discovery and JWKS are served and the signing key matches, but the issuer is ${url.protocol === 'https:' ? 'on a port' : 'not https'} (${where}: AWS requires https on port 443).`,
      data,
    };
  }
  return { status: 'ok', detail: `Discovery and JWKS served over https; key ${kid ?? '(no kid)'} verifies the token.`, data };
}

function headerKid(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

async function fetchJson(url: string, timeoutMs: number): Promise<{ ok: true; body: unknown; ms: number } | { ok: false; reason: string; ms: number }> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' }, redirect: STS_ISSUER_FETCH.redirect });
    if (response.status !== STS_ISSUER_FETCH.status) {
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      const redirect = response.status >= 300 && response.status < 400 && location !== null;
      return {
        ok: false,
        reason: redirect
          ? `${url} answered HTTP ${response.status}, a redirect to ${location}: STS does not follow redirects, serve the document at this URL`
          : `${url} answered HTTP ${response.status}`,
        ms: ms(),
      };
    }
    const body: unknown = await response.json();
    return { ok: true, body, ms: ms() };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { ok: false, reason: timedOut ? `${url} did not answer within ${timeoutMs} ms` : `${url} is unreachable (${error instanceof Error ? error.message : 'error'})`, ms: ms() };
  }
}
